// Oracle for Cairn's UnixFS and DAG-PB interop tests: runs the reference JS implementations
// (ipfs-unixfs-importer, ipfs-unixfs-exporter, @ipld/dag-pb) over a batch of cases read as JSON
// from stdin ({"cases":[...]}) and prints one JSON result per case, one per line.
//   {op:'import', id, kind:'file'|'dir', path, options, dump?}  -> {id, root, cids:[...], rootPath}
//   {op:'export', id, blocksDir, root, out}                      -> {id, type}   (content written to out)
//   {op:'dagpb', id, hex}                                        -> {id, ok, error?, links, data, reencoded}
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { exporter } from 'ipfs-unixfs-exporter'
import { MemoryBlockstore } from 'blockstore-core/memory'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import fs from 'node:fs'
import path from 'node:path'

class RecordingBlockstore extends MemoryBlockstore {
  constructor () {
    super()
    this.blocks = new Map()
  }

  put (key, val, options) {
    if (val instanceof Uint8Array) {
      this.blocks.set(key.toString(), val)
    }
    return super.put(key, val, options)
  }
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')

// The walk `ipfs add -r` does: hidden entries skipped, files with their paths, and only empty
// directories as entries of their own (a folder entry after its files would replace it).
function walk (root, rel, out) {
  const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true })
    .filter(e => !e.name.startsWith('.'))
  if (entries.length === 0) {
    out.push({ path: rel })
  }
  for (const e of entries) {
    const childRel = rel + '/' + e.name
    const full = path.join(root, childRel)
    if (e.isSymbolicLink()) {
      out.push({ path: childRel, link: fs.readlinkSync(full) })
    } else if (e.isDirectory()) {
      walk(root, childRel, out)
    } else {
      out.push({ path: childRel, content: fs.createReadStream(full, { highWaterMark: 1 << 20 }) })
    }
  }
}

async function doImport (c) {
  const store = new RecordingBlockstore()
  const options = { ...(c.options ?? {}) }
  if (options.chunkSize != null) {
    options.chunker = fixedSize({ chunkSize: options.chunkSize })
    delete options.chunkSize
  }
  if (options.maxChildrenPerNode != null) {
    options.layout = balanced({ maxChildrenPerNode: options.maxChildrenPerNode })
    delete options.maxChildrenPerNode
  }
  let source
  if (c.kind === 'file') {
    source = [{ content: fs.createReadStream(c.path, { highWaterMark: 1 << 20 }) }]
  } else {
    source = []
    walk(path.dirname(c.path), path.basename(c.path), source)
  }
  let last
  for await (const entry of importer(source, store, options)) {
    last = entry
  }
  if (c.dump != null) {
    fs.mkdirSync(c.dump, { recursive: true })
    for (const [cid, bytes] of store.blocks) {
      fs.writeFileSync(path.join(c.dump, cid), bytes)
    }
  }
  return { root: last.cid.toString(), rootPath: last.path, cids: [...store.blocks.keys()].sort() }
}

async function writeOut (entry, out, store) {
  if (entry.type === 'directory') {
    fs.mkdirSync(out)
    for await (const child of entry.entries()) {
      await writeOut(await exporter(child.cid, store), path.join(out, child.name), store)
    }
  } else if (entry.type === 'file' || entry.type === 'raw') {
    const fd = fs.openSync(out, 'wx')
    for await (const chunk of entry.content()) {
      fs.writeSync(fd, chunk)
    }
    fs.closeSync(fd)
  } else {
    throw new Error(`unexpected entry type ${entry.type} at ${out}`)
  }
}

async function doExport (c) {
  const store = new MemoryBlockstore()
  for (const name of fs.readdirSync(c.blocksDir)) {
    await store.put(CID.parse(name), fs.readFileSync(path.join(c.blocksDir, name)))
  }
  const entry = await exporter(CID.parse(c.root), store)
  await writeOut(entry, c.out, store)
  return { type: entry.type }
}

function doDagPb (c) {
  try {
    const node = dagPb.decode(Buffer.from(c.hex, 'hex'))
    return {
      ok: true,
      data: node.Data == null ? null : hex(node.Data),
      links: node.Links.map(l => ({ hash: l.Hash.toString(), name: l.Name ?? null, tsize: l.Tsize ?? null })),
      reencoded: hex(dagPb.encode(node))
    }
  } catch (e) {
    return { ok: false, error: e.message }
  }
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'))
for (const c of input.cases) {
  let result
  if (c.op === 'import') {
    result = await doImport(c)
  } else if (c.op === 'export') {
    result = await doExport(c)
  } else if (c.op === 'dagpb') {
    result = doDagPb(c)
  } else {
    throw new Error(`unknown op ${c.op}`)
  }
  process.stdout.write(JSON.stringify({ id: c.id, ...result }) + '\n')
}
