// Builds the UI into dist/: one JavaScript and one CSS bundle with content hashes in their names,
// index.html pointing at them (with the placeholders the server fills in: see
// api/ui/ui_assets.h), the favicon, and INPUTS.sha256, the hash of every input file, which a test
// compares with the sources (tests/ui/ui_dist_test.py) so that dist/ cannot silently fall behind.
// It also type-checks the unit tests under test/ (test/tsconfig.json) and bundles them, with the
// modules they test, into dist-test/unit.mjs, one file that Node runs without node_modules
// (ctest's ui_unit_test). dist-test/ is outside dist/, so the server does not embed it.
//
//   node build.mjs            build
//   node build.mjs --hash     print the inputs' hash only

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');
const distTest = join(root, 'dist-test');

// The inputs: these files and everything under src/, public/ and test/, sorted by path. The hash
// is sha256 over "<path>\0<sha256 of the file>\n" for each, so other tools can recompute it.
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
  walk('test');
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

// The unit tests are type-checked here (esbuild only strips types; scripts/build-ui's tsc covers
// src/ alone), before anything is rewritten.
try {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'test')], { stdio: 'inherit' });
} catch {
  console.error('build: the unit tests (test/) do not type-check');
  process.exit(1);
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

// The unit tests: every test/*.test.ts in one bundle after test/setup.ts, which gives the modules
// under test the browser globals they read. The first line names the inputs' hash, so
// ui_dist_test can tell a bundle left behind.
const tests = readdirSync(join(root, 'test'))
  .filter((name) => name.endsWith('.test.ts'))
  .sort();
rmSync(distTest, { recursive: true, force: true });
await build({
  stdin: {
    contents: ["import './setup';", ...tests.map((name) => `import './${name.slice(0, -3)}';`)].join('\n'),
    resolveDir: join(root, 'test'),
    sourcefile: 'unit.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ['node18'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(distTest, 'unit.mjs'),
  banner: { js: `// inputs ${inputsHash()}: built by ui/build.mjs from ui/test/ and ui/src/; do not edit.` },
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`built dist-test/unit.mjs: ${tests.length} test files`);
