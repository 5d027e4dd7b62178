// Minifies the scripts and style sheets the release build serves, with esbuild (pinned in package.json).
// Only whitespace, comments and local names change: no code is added, so the page's
// Content-Security-Policy (no eval) and Trusted Types hold for the output as for the input.
//
//   node minify.mjs IN OUT [IN OUT]...   writes the minified IN to OUT (IN may be OUT); .js as an ES module, .css as CSS
import { readFileSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";

const pairs = process.argv.slice(2);
if (pairs.length === 0 || pairs.length % 2 !== 0) {
  console.error("usage: node minify.mjs IN OUT [IN OUT]...");
  process.exit(2);
}
for (let i = 0; i < pairs.length; i += 2) {
  const [input, output] = [pairs[i], pairs[i + 1]];
  const loader = input.endsWith(".css") ? "css" : input.endsWith(".js") ? "js" : null;
  if (!loader) {
    console.error(`minify.mjs: ${input}: neither .js nor .css`);
    process.exit(2);
  }
  const source = readFileSync(input, "utf8");
  const { code } = transformSync(source, {
    loader,
    minify: true,
    // The glue is an ES module: its exports and import.meta stay as they are.
    format: loader === "js" ? "esm" : undefined,
    // No target: esbuild's default (esnext) lowers nothing, so the output runs wherever the input did.
    legalComments: "none",
  });
  writeFileSync(output, code);
  console.log(JSON.stringify({ file: output, before: source.length, after: code.length }));
}
