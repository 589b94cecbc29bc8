// Throughput of the JS reference importer (ipfs-unixfs-importer, default options = ipfs add
// --cid-version=1) into an in-memory blockstore, best of N runs: prints js_importer_MBps=...
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import fs from 'node:fs'

const file = process.argv[2]
const runs = Number(process.argv[3] ?? 2)
const size = fs.statSync(file).size
let best = Infinity
let root
for (let i = 0; i < runs; i++) {
  const store = new MemoryBlockstore()
  const start = process.hrtime.bigint()
  for await (const entry of importer([{ content: fs.createReadStream(file, { highWaterMark: 1 << 20 }) }], store)) {
    root = entry.cid.toString()
  }
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
}
console.log(`js_importer_MBps=${(size / 1e6 / best).toFixed(1)}`)
console.log(`js_root=${root}`)
