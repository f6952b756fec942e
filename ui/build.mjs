// Builds the UI into dist/: one JavaScript and one CSS bundle with content hashes in their names,
// index.html pointing at them (with the placeholders the server fills in: see
// api/ui/ui_assets.h), the favicon, and INPUTS.sha256, the hash of every input file, which a test
// compares with the sources (tests/ui_dist_test.py) so that dist/ cannot silently fall behind.
//
//   node build.mjs            build
//   node build.mjs --hash     print the inputs' hash only

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');

// The inputs: these files and everything under src/ and public/, sorted by path. The hash is
// sha256 over "<path>\0<sha256 of the file>\n" for each, so other tools can recompute it.
function inputFiles() {
  const files = ['build.mjs', 'index.html', 'package.json', 'package-lock.json', 'tsconfig.json'];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk('src');
  walk('public');
  return files.sort();
}

export function inputsHash() {
  const outer = createHash('sha256');
  for (const file of inputFiles()) {
    const inner = createHash('sha256').update(readFileSync(join(root, file))).digest('hex');
    outer.update(`${file}\0${inner}\n`);
  }
  return outer.digest('hex');
}

if (process.argv.includes('--hash')) {
  console.log(inputsHash());
  process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src/main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
let js = '', css = '';
for (const out of Object.keys(result.metafile.outputs)) {
  const name = relative(join(dist, 'assets'), join(process.cwd(), out));
  if (name.endsWith('.js')) js = name;
  if (name.endsWith('.css')) css = name;
}
const html = readFileSync(join(root, 'index.html'), 'utf8')
  .replaceAll('%JS%', `assets/${js}`)
  .replaceAll('%CSS%', `assets/${css}`);
writeFileSync(join(dist, 'index.html'), html);
for (const name of readdirSync(join(root, 'public'))) copyFileSync(join(root, 'public', name), join(dist, name));
writeFileSync(join(dist, 'INPUTS.sha256'), inputsHash() + '\n');
let total = 0;
for (const name of readdirSync(join(dist, 'assets'))) total += statSync(join(dist, 'assets', name)).size;
console.log(`built ${js} and ${css}: ${(total / 1024).toFixed(0)} KiB`);
