// Compresses files the way a static host serves them: brotli (quality 11) and gzip (level 9).
// Node's zlib carries the reference brotli and zlib, so xtask stays free of compression crates.
//
//   node compress.mjs sizes FILE...   prints one JSON line per file: {"file", "raw", "brotli", "gzip"}
//   node compress.mjs write FILE...   writes FILE.br and FILE.gz beside each file
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const [mode, ...files] = process.argv.slice(2);
if (mode !== "sizes" && mode !== "write") {
  console.error("usage: node compress.mjs sizes|write FILE...");
  process.exit(2);
}
for (const file of files) {
  const raw = readFileSync(file);
  const brotli = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gzip = gzipSync(raw, { level: 9 });
  if (mode === "write") {
    writeFileSync(`${file}.br`, brotli);
    writeFileSync(`${file}.gz`, gzip);
  } else {
    console.log(JSON.stringify({ file, raw: raw.length, brotli: brotli.length, gzip: gzip.length }));
  }
}
