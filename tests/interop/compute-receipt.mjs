// Receipt oracle: decodes a compute receipt (DAG-CBOR) with the reference @ipld/dag-cbor, re-encodes
// it, computes its CID with multiformats, and verifies its ES256 signature with Node's crypto over
// @ipld/dag-cbor's encoding of the map without "sig" — all independently of Cairn's code.
//
// stdin: the receipt block's bytes.
// stdout: {"reencoded": base64, "cid": string, "keys": [..], "node": did, "signatureValid": bool,
//          "outputs": [{"name", "cid"}], "stdout": cid string, "exitCode": number}
import crypto from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { base58btc } from 'multiformats/bases/base58'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const bytes = new Uint8Array(Buffer.concat(chunks))

const receipt = dagCbor.decode(bytes)
const reencoded = dagCbor.encode(receipt)
const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))

// did:key:z + base58btc(varint(0x1200) ‖ compressed P-256 point)
const multikey = base58btc.decode(receipt.node.slice('did:key:'.length))
if (multikey[0] !== 0x80 || multikey[1] !== 0x24) throw new Error('not a P-256 did:key')
const uncompressed = crypto.ECDH.convertKey(Buffer.from(multikey.slice(2)), 'prime256v1', undefined, undefined, 'uncompressed')
const jwk = {
  kty: 'EC',
  crv: 'P-256',
  x: Buffer.from(uncompressed.subarray(1, 33)).toString('base64url'),
  y: Buffer.from(uncompressed.subarray(33, 65)).toString('base64url')
}
const { sig, ...unsigned } = receipt
const signatureValid = crypto.verify('sha256', dagCbor.encode(unsigned), { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig))

process.stdout.write(JSON.stringify({
  reencoded: Buffer.from(reencoded).toString('base64'),
  cid: cid.toString(),
  keys: Object.keys(receipt),
  node: receipt.node,
  signatureValid,
  outputs: receipt.outputs.map(o => ({ name: o.name, cid: o.cid.toString() })),
  stdout: receipt.stdout.toString(),
  exitCode: receipt.exitCode
}) + '\n')
