// DAG-CBOR oracle: the reference @ipld/dag-cbor encodes and decodes values that Cairn's tests send.
//
// stdin: {"cases": [{"value": TAGGED, "ours": base64}], "rejects": [base64, ...], "decodes": [base64, ...]}
// TAGGED: null | true | false | {"i": "decimal"} | {"f": "16 hex digits: the float64 bits"} | {"s": text}
//         | {"b": base64} | {"c": cid string} | {"l": [TAGGED...]} | {"m": [[key, TAGGED]...]}
// stdout: {"cases": [{"bytes": base64|null, "encodeError": msg|null, "extendedFloat": bool,
//                     "decodesOurs": bool, "decodeError": msg|null}],
//          "rejects": [{"rejected": bool, "error": msg|null}],
//          "decodes": [{"value": DUMP|null, "error": msg|null}]}
// DUMP is TAGGED except that every JavaScript number is {"n": "16 hex digits: its float64 bits"}
// (JavaScript cannot tell the integer 1 from the float 1.0) and a BigInt is {"i": "decimal"}.
//
// JavaScript has one number type, so a float with an integral value (1.0, -0.0, 1e300) would be
// encoded by @ipld/dag-cbor as an integer. Those floats are wrapped in F64 and encoded as a float64
// token through cborg with @ipld/dag-cbor's own encodeOptions plus that one type encoder
// ("extendedFloat": true in the output); every other value goes through dagCbor.encode unchanged.
import * as dagCbor from '@ipld/dag-cbor'
import * as cborg from 'cborg'
import { CID } from 'multiformats/cid'

class F64 {
  constructor (value) { this.value = value }
}

const extendedOptions = {
  ...dagCbor.encodeOptions,
  typeEncoders: {
    ...dagCbor.encodeOptions.typeEncoders,
    Object: (obj, typ, options, refStack) => obj instanceof F64
      ? [new cborg.Token(cborg.Type.float, obj.value)]
      : dagCbor.encodeOptions.typeEncoders.Object(obj, typ, options, refStack)
  }
}

function floatOf (hex) {
  return Buffer.from(hex, 'hex').readDoubleBE(0)
}

function toJs (t, flags) {
  if (t === null || t === true || t === false) return t
  if ('i' in t) {
    const big = BigInt(t.i)
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
  }
  if ('f' in t) {
    const v = floatOf(t.f)
    if (Number.isInteger(v) || Object.is(v, -0)) {
      flags.extended = true
      return new F64(v)
    }
    return v
  }
  if ('s' in t) return t.s
  if ('b' in t) return new Uint8Array(Buffer.from(t.b, 'base64'))
  if ('c' in t) return CID.parse(t.c)
  if ('l' in t) return t.l.map(x => toJs(x, flags))
  if ('m' in t) {
    const o = {}
    for (const [k, v] of t.m) {
      Object.defineProperty(o, k, { value: toJs(v, flags), enumerable: true, writable: true, configurable: true })
    }
    return o
  }
  throw new Error('bad tagged value ' + JSON.stringify(t))
}

function same (decoded, t) {
  if (t === null || t === true || t === false) return decoded === t
  if ('i' in t) {
    if (typeof decoded === 'bigint') return decoded === BigInt(t.i)
    return typeof decoded === 'number' && Number.isInteger(decoded) && BigInt(decoded) === BigInt(t.i)
  }
  if ('f' in t) return typeof decoded === 'number' && Object.is(decoded, floatOf(t.f))
  if ('s' in t) return decoded === t.s
  if ('b' in t) return decoded instanceof Uint8Array && Buffer.from(decoded).equals(Buffer.from(t.b, 'base64'))
  if ('c' in t) {
    const cid = CID.asCID(decoded)
    return cid !== null && cid.equals(CID.parse(t.c))
  }
  if ('l' in t) return Array.isArray(decoded) && decoded.length === t.l.length && t.l.every((x, i) => same(decoded[i], x))
  if ('m' in t) {
    if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded) || decoded instanceof Uint8Array || CID.asCID(decoded)) return false
    const keys = Object.keys(decoded)
    return keys.length === t.m.length && t.m.every(([k, v]) => Object.hasOwn(decoded, k) && same(decoded[k], v))
  }
  return false
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const cases = (input.cases ?? []).map(({ value, ours }) => {
  const out = { bytes: null, encodeError: null, extendedFloat: false, decodesOurs: false, decodeError: null }
  try {
    const flags = { extended: false }
    const js = toJs(value, flags)
    out.extendedFloat = flags.extended
    const bytes = flags.extended ? cborg.encode(js, extendedOptions) : dagCbor.encode(js)
    out.bytes = Buffer.from(bytes).toString('base64')
  } catch (e) {
    out.encodeError = String(e.message ?? e)
  }
  if (ours != null) {
    try {
      out.decodesOurs = same(dagCbor.decode(new Uint8Array(Buffer.from(ours, 'base64'))), value)
    } catch (e) {
      out.decodeError = String(e.message ?? e)
    }
  }
  return out
})

const rejects = (input.rejects ?? []).map(b64 => {
  try {
    dagCbor.decode(new Uint8Array(Buffer.from(b64, 'base64')))
    return { rejected: false, error: null }
  } catch (e) {
    return { rejected: true, error: String(e.message ?? e) }
  }
})

function dump (v) {
  if (v === null || v === true || v === false) return v
  if (typeof v === 'number') {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(v, 0)
    return { n: b.toString('hex') }
  }
  if (typeof v === 'bigint') return { i: v.toString() }
  if (typeof v === 'string') return { s: v }
  if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('base64') }
  const cid = CID.asCID(v)
  if (cid) return { c: cid.toString() }
  if (Array.isArray(v)) return { l: v.map(dump) }
  if (typeof v === 'object') return { m: Object.keys(v).map(k => [k, dump(v[k])]) }
  throw new Error('cannot dump ' + typeof v)
}

const decodes = (input.decodes ?? []).map(b64 => {
  try {
    return { value: dump(dagCbor.decode(new Uint8Array(Buffer.from(b64, 'base64')))), error: null }
  } catch (e) {
    return { value: null, error: String(e.message ?? e) }
  }
})

process.stdout.write(JSON.stringify({ cases, rejects, decodes }))
