// Oracle for ledger objects: decodes DAG-CBOR bytes (hex, argv[2]) with @ipld/dag-cbor,
// re-encodes them, and prints "<CIDv1 by multiformats> <identical|different> <sorted top-level keys>",
// then " chain=<CID>" when the object has a top-level `chain` that decodes as an IPLD link.
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const bytes = Uint8Array.from(Buffer.from(process.argv[2], 'hex'))
const value = dagCbor.decode(bytes)
const again = dagCbor.encode(value)
const same = Buffer.compare(Buffer.from(again), Buffer.from(bytes)) === 0
const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
const chain = CID.asCID(value.chain)
const chainText = chain ? ` chain=${chain}` : ''
process.stdout.write(`${cid} ${same ? 'identical' : 'different'} ${Object.keys(value).sort().join(',')}${chainText}\n`)
