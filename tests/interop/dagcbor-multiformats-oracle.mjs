// Multibase and CID oracle for Cairn's Abstractions tests, using the reference `multiformats`.
// stdin: {"bytes": [hex...], "cids": [hex of binary CIDs...]}
// stdout: {"base32": [...], "base58btc": [...], "cids": [{"string": ..., "v1": ...}]}
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const bytes = input.bytes.map(h => new Uint8Array(Buffer.from(h, 'hex')))

process.stdout.write(JSON.stringify({
  base32: bytes.map(b => base32.encode(b)),
  base58btc: bytes.map(b => base58btc.encode(b)),
  cids: input.cids.map(h => {
    const cid = CID.decode(new Uint8Array(Buffer.from(h, 'hex')))
    return { string: cid.toString(), v1: cid.toV1().toString() }
  })
}))
