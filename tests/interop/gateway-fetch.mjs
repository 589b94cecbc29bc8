// Interop oracle for Cairn's trustless gateway: the reference JS stack fetches content from a
// running Cairn node over HTTP and verifies it without trusting the node.
//   node gateway-fetch.mjs BASE_URL CID ORIGINAL_FILE [PATH]
// 1. GET BASE_URL/ipfs/CID[/PATH]?format=car&dag-scope=all (Accept: application/vnd.ipld.car), read it with
//    @ipld/car, hash every block with multiformats and check it matches its CID, and check every block is
//    reachable from the root through the reference codecs' links (@ipld/dag-pb, raw) and none is missing;
// 2. rebuild the file with ipfs-unixfs-exporter from those verified blocks only and compare it
//    byte for byte with ORIGINAL_FILE;
// 3. GET the root block alone with ?format=raw (Accept: application/vnd.ipld.raw) and verify it too.
// Prints one JSON object: {carStatus, carType, roots, blocks, badHashes, unreachable, missing, equal, rebuildError, size, rawStatus, rawType, rawOk}.
import { CarReader } from '@ipld/car'
import { exporter } from 'ipfs-unixfs-exporter'
import { MemoryBlockstore } from 'blockstore-core/memory'
import * as dagPb from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import * as raw from 'multiformats/codecs/raw'
import * as Block from 'multiformats/block'
import { sha256 } from 'multiformats/hashes/sha2'
import { identity } from 'multiformats/hashes/identity'
import { CID } from 'multiformats/cid'
import fs from 'node:fs'

const hashers = { [sha256.code]: sha256, [identity.code]: identity }
const codecs = { [dagPb.code]: dagPb, [dagCbor.code]: dagCbor, [raw.code]: raw }
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i])
const verifies = async (cid, bytes) => {
  const hasher = hashers[cid.multihash.code]
  if (!hasher) return false
  return equal((await hasher.digest(bytes)).bytes, cid.multihash.bytes)
}

const [base, cidText, original, subPath] = process.argv.slice(2)
const root = CID.parse(cidText)
const target = subPath ? `${cidText}/${subPath}` : cidText
const url = new URL(`ipfs/${target}?format=car&dag-scope=all`, base.endsWith('/') ? base : base + '/')

const car = await fetch(url, { headers: { Accept: 'application/vnd.ipld.car' } })
const carBytes = new Uint8Array(await car.arrayBuffer())
const reader = await CarReader.fromBytes(carBytes)
const roots = (await reader.getRoots()).map(String)

// Only blocks that hash to their CID enter the store the exporter reads.
const store = new MemoryBlockstore()
const badHashes = []
const inCar = new Map()
let blocks = 0
for await (const { cid, bytes } of reader.blocks()) {
  blocks++
  if (!(await verifies(cid, bytes))) {
    badHashes.push(cid.toString())
    continue
  }
  inCar.set(cid.toString(), { cid, bytes })
  await store.put(cid, bytes)
}

// Every block must be reachable from the root: the directories on PATH (only the link named by each
// segment is followed, as the trustless-gateway spec scopes a path request), then the target's whole
// DAG; none may be missing.
const reached = new Set()
const missing = []
const visit = async (cid) => {
  if (reached.has(cid.toString())) return
  reached.add(cid.toString())
  const got = inCar.get(cid.toString())
  if (!got) { missing.push(cid.toString()); return }
  const block = Block.createUnsafe({ bytes: got.bytes, cid, codec: codecs[cid.code] })
  for (const [, link] of block.links()) await visit(link)
}
let current = root
for (const segment of (subPath ?? '').split('/').filter(s => s.length > 0)) {
  reached.add(current.toString())
  const got = inCar.get(current.toString())
  if (!got) { missing.push(current.toString()); break }
  const link = dagPb.decode(got.bytes).Links.find(l => l.Name === segment)
  if (!link) { missing.push(`${current}/${segment}`); break }
  current = link.Hash
}
await visit(current)
const unreachable = [...inCar.keys()].filter(c => !reached.has(c))

// A block that failed its hash never entered the store, so the rebuild then fails: report it.
let rebuilt = Buffer.alloc(0)
let rebuildError = null
try {
  const entry = await exporter(target, store, { offline: true })
  const chunks = []
  for await (const chunk of entry.content({ offline: true })) chunks.push(chunk)
  rebuilt = Buffer.concat(chunks)
} catch (e) {
  rebuildError = e.message
}
const expected = fs.readFileSync(original)

const rawResponse = await fetch(new URL(`ipfs/${cidText}?format=raw`, base.endsWith('/') ? base : base + '/'), { headers: { Accept: 'application/vnd.ipld.raw' } })
const rawBytes = new Uint8Array(await rawResponse.arrayBuffer())

console.log(JSON.stringify({
  carStatus: car.status,
  carType: car.headers.get('content-type'),
  roots,
  blocks,
  badHashes,
  unreachable,
  missing,
  equal: Buffer.compare(rebuilt, expected) === 0,
  rebuildError,
  size: rebuilt.length,
  rawStatus: rawResponse.status,
  rawType: rawResponse.headers.get('content-type'),
  rawOk: await verifies(root, rawBytes)
}))
