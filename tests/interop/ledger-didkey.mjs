// Oracle for did:key: decodes a did:key with multiformats' base58btc and varint and prints
// "<multicodec code> <hex of the key bytes>".
import { base58btc } from 'multiformats/bases/base58'
import { varint } from 'multiformats'

const did = process.argv[2]
if (!did.startsWith('did:key:')) throw new Error('not a did:key')
const bytes = base58btc.decode(did.slice('did:key:'.length))
const [code, length] = varint.decode(bytes)
process.stdout.write(`${code} ${Buffer.from(bytes.subarray(length)).toString('hex')}\n`)
