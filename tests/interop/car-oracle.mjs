// Oracle for Cairn's CAR interop tests: the reference @ipld/car reader/writer with multiformats,
// @ipld/dag-pb, @ipld/dag-cbor and ipfs-unixfs-importer. Prints one JSON object.
//   read FILE                     -> {roots, blocks:[{cid, size, ok}]}   (ok: bytes hash to the CID, checked here)
//   dfs FILE                      -> {order:[cid...]}  depth-first pre-order from the roots, each block once,
//                                    links as the reference codecs report them (multiformats Block.links())
//   dfs-rewrite FILE OUT.car      -> {order}  FILE's blocks rewritten by @ipld/car's CarWriter in that order
//   unixfs INPUT OUT.car [v0|v1]  -> {roots, blocks}  a file imported by ipfs-unixfs-importer, written as a CAR
//   hamt N OUT.car               -> {roots, blocks, shards}  a directory of N files, HAMT-sharded by the importer
//   mixed OUT.car                 -> {roots, blocks}  raw, dag-pb and dag-cbor blocks linking each other,
//                                    written in reverse order with a duplicate section
import { CarReader, CarWriter } from '@ipld/car'
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import * as dagPb from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import * as raw from 'multiformats/codecs/raw'
import * as Block from 'multiformats/block'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { identity } from 'multiformats/hashes/identity'
import { CID } from 'multiformats/cid'
import { UnixFS } from 'ipfs-unixfs'
import fs from 'node:fs'

const hashers = { [sha256.code]: sha256, [sha512.code]: sha512, [identity.code]: identity }
const codecs = { [dagPb.code]: dagPb, [dagCbor.code]: dagCbor, [raw.code]: raw }
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i])

async function writeCar (roots, blocks, file) {
  const { writer, out } = CarWriter.create(roots)
  const chunks = []
  const drain = (async () => { for await (const c of out) chunks.push(c) })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await drain
  fs.writeFileSync(file, Buffer.concat(chunks))
}

// A blockstore that records what the importer puts, with the CIDs as it made them (getAll would report raw CIDs).
const recordingStore = () => {
  const blocks = []
  const store = new MemoryBlockstore()
  const put = store.put.bind(store)
  store.put = async (cid, bytes, options) => {
    if (!blocks.some(b => b.cid.equals(cid))) blocks.push({ cid, bytes })
    return put(cid, bytes, options)
  }
  return { blocks, store }
}

const [op, ...args] = process.argv.slice(2)
if (op === 'read') {
  const reader = await CarReader.fromBytes(fs.readFileSync(args[0]))
  const blocks = []
  for await (const { cid, bytes } of reader.blocks()) {
    const digest = await hashers[cid.multihash.code].digest(bytes)
    blocks.push({ cid: cid.toString(), size: bytes.length, ok: equal(digest.bytes, cid.multihash.bytes) })
  }
  console.log(JSON.stringify({ version: reader.version, roots: (await reader.getRoots()).map(String), blocks }))
} else if (op === 'dfs' || op === 'dfs-rewrite') {
  const reader = await CarReader.fromBytes(fs.readFileSync(args[0]))
  const seen = new Set()
  const order = []
  const visit = async (cid) => {
    if (seen.has(cid.toString())) return
    seen.add(cid.toString())
    order.push(cid.toString())
    const got = await reader.get(cid)
    if (!got) throw new Error(`missing ${cid}`)
    const block = Block.createUnsafe({ bytes: got.bytes, cid, codec: codecs[cid.code] })
    for (const [, link] of block.links()) await visit(link)
  }
  const roots = await reader.getRoots()
  for (const root of roots) await visit(root)
  if (op === 'dfs-rewrite') {
    const blocks = []
    for (const cid of order) blocks.push(await reader.get(CID.parse(cid)))
    await writeCar(roots, blocks, args[1])
  }
  console.log(JSON.stringify({ order }))
} else if (op === 'unixfs') {
  const { blocks, store } = recordingStore()
  const v0 = args[2] === 'v0'
  const options = v0 ? { cidVersion: 0, rawLeaves: false, leafType: 'file' } : {}
  let root
  for await (const entry of importer([{ path: 'f', content: fs.readFileSync(args[0]) }], store, options)) root = entry.cid
  await writeCar([root], blocks, args[1])
  console.log(JSON.stringify({ roots: [root.toString()], blocks: blocks.map(b => b.cid.toString()) }))
} else if (op === 'mixed') {
  const make = async (codec, value, hasher = sha256) => Block.encode({ value, codec, hasher })
  const leafA = await make(raw, new TextEncoder().encode('leaf a'))
  const leafB = await make(raw, new Uint8Array(300000).map((_, i) => (i * 7) & 255))
  const leaf512 = await make(raw, new TextEncoder().encode('hashed with sha2-512'), sha512)
  const pbNode = await make(dagPb, dagPb.prepare({ Data: new Uint8Array([8, 1]), Links: [{ Hash: leafA.cid, Name: 'a', Tsize: 6 }, { Hash: leafB.cid, Name: 'b', Tsize: 300000 }] }))
  const inner = await make(dagCbor, { list: [leaf512.cid, leafA.cid], n: 42, s: 'inner' })
  const top = await make(dagCbor, { inner: inner.cid, pb: pbNode.cid, z: { deep: leafB.cid } })
  const second = await make(dagCbor, { alone: true, name: 'second root' })
  const ordered = [top, inner, leaf512, leafA, pbNode, leafB, second]
  const written = [...ordered].reverse()
  written.push(leafA) // a duplicate section
  await writeCar([top.cid, second.cid], written, args[0])
  console.log(JSON.stringify({ roots: [top.cid.toString(), second.cid.toString()], blocks: ordered.map(b => b.cid.toString()) }))
} else if (op === 'hamt') {
  const { blocks, store } = recordingStore()
  const files = Array.from({ length: Number(args[0]) }, (_, i) => ({ path: `dir/file-${i}.txt`, content: new TextEncoder().encode(`file number ${i}\n`) }))
  let root
  for await (const entry of importer(files, store, { shardSplitThresholdBytes: 1, wrapWithDirectory: false })) if (entry.path === 'dir') root = entry.cid
  await writeCar([root], blocks, args[1])
  const shards = blocks.filter(b => b.cid.code === dagPb.code && UnixFS.unmarshal(dagPb.decode(b.bytes).Data).type === 'hamt-sharded-directory').map(b => b.cid.toString())
  console.log(JSON.stringify({ roots: [root.toString()], blocks: blocks.map(b => b.cid.toString()), shards }))
} else {
  console.error(`unknown op ${op}`)
  process.exit(2)
}
