// Every fenced block in README.md and docs/**/*.md, classified so a test can hold it to account:
// - `ts` / `js`: a program, run as written under ESM and CJS (see prepareSnippet), unless the line
//   above is `<!-- include: <file>#<region> -->`: then it must equal that region of a tested file;
// - `bash`: commands, checked against package.json scripts and the CLI's own help;
// - `text`: a diagram or printed output, not code. A block without a language fails the test.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { transformSync } from 'esbuild';

export const repoRoot = join(new URL('.', import.meta.url).pathname, '../..');

export interface Snippet {
  file: string;
  line: number;
  lang: string;
  code: string;
  include?: { file: string; region: string };
  /** A short, file-safe id: `README-69`. */
  id: string;
}

export function docFiles(): string[] {
  const out = [join(repoRoot, 'README.md')];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.md')) out.push(join(dir, e.name));
    }
  };
  walk(join(repoRoot, 'docs'));
  return out;
}

export function collectSnippets(files = docFiles()): Snippet[] {
  const snippets: Snippet[] = [];
  for (const path of files) {
    const file = relative(repoRoot, path);
    const lines = readFileSync(path, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\S*)\s*$/.exec(lines[i]!);
      if (!open) continue;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      const marker = /^<!--\s*include:\s*(\S+)#(\S+)\s*-->$/.exec(lines[start - 1]?.trim() ?? '');
      const id = `${file.replace(/[^\w]+/g, '-')}-${start + 1}`;
      snippets.push({
        file,
        line: start + 1,
        lang: open[1] ?? '',
        code: body.join('\n'),
        id,
        ...(marker ? { include: { file: marker[1]!, region: marker[2]! } } : {}),
      });
    }
  }
  return snippets;
}

/** The lines between `// #region <name>` and `// #endregion` in a file of the repository. */
export function region(file: string, name: string): string {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '// #endregion');
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${name}`);
  return lines.slice(start + 1, end).join('\n');
}

export const DONE = '__SNIPPET_DONE__';

/**
 * A snippet as a file Node runs unchanged in spirit: types stripped; for CJS the imports become
 * `require`s and the rest runs in an async function (what a CommonJS user writes). A line printed at
 * the very end proves the program was not cut off mid-`await`.
 */
export function prepareSnippet(code: string, format: 'esm' | 'cjs'): string {
  const lines = code.split('\n');
  const imports: string[] = [];
  let i = 0;
  // Leading imports (possibly over several lines) and blank / comment lines between them.
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*(\/\/.*)?$/.test(line)) {
      i++;
      continue;
    }
    if (!/^import\s/.test(line)) break;
    let statement = line;
    while (!/from\s+['"][^'"]+['"];?\s*$/.test(statement) && !/^import\s+['"][^'"]+['"];?$/.test(statement))
      statement += ' ' + lines[++i]!.trim();
    imports.push(statement);
    i++;
  }
  const body = lines.slice(i).join('\n');
  const strip = (ts: string) => transformSync(ts, { loader: 'ts', format: 'esm', target: 'node20' }).code;
  if (format === 'esm') return strip(`${imports.join('\n')}\n${body}\nconsole.log(${JSON.stringify(DONE)});\n`);
  const requires = imports.filter((s) => !/^import\s+type\s/.test(s)).map(toRequire);
  const main = strip(`async function main() {\n${body}\nconsole.log(${JSON.stringify(DONE)});\n}`);
  return `'use strict';\n${requires.join('\n')}\n${main}\nmain().catch((error) => { console.error(error); process.exitCode = 1; });\n`;
}

function toRequire(statement: string): string {
  const m = /^import\s+(.*?)\s+from\s+['"]([^'"]+)['"];?$/.exec(statement);
  if (!m) throw new Error(`cannot turn into require: ${statement}`);
  const [, clause, spec] = m as unknown as [string, string, string];
  const ns = /^\*\s+as\s+(\w+)$/.exec(clause);
  if (ns) return `const ${ns[1]} = require('${spec}');`;
  const named = /^\{(.*)\}$/.exec(clause.trim());
  if (named) {
    const parts = named[1]!
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p && !p.startsWith('type '));
    return `const { ${parts.map((p) => p.replace(/\s+as\s+/, ': ')).join(', ')} } = require('${spec}');`;
  }
  return `const ${clause} = require('${spec}');`;
}

/** The environment a reader would have set: keys, a loopback gateway address, Redis when the run has one. */
export function snippetEnv(): Record<string, string> {
  return {
    NODES_KEY: 'nodes-key-0123456789abcdef',
    ADMIN_KEY: 'admin-key-0123456789abcdef',
    COGNIGY_API_BASE_URL: 'http://127.0.0.1:9',
    COGNIGY_API_KEY: 'cognigy-key',
    HANDOVER_GATEWAY_HOST: '127.0.0.1',
    HANDOVER_GATEWAY_PORT: '0',
    HANDOVER_LOG_LEVEL: 'warn',
    // With Redis, secrets at rest are encrypted: a snippet gets a key as an operator would set one.
    ...(process.env.HANDOVER_TEST_REDIS_URL
      ? {
          HANDOVER_REDIS_URL: process.env.HANDOVER_TEST_REDIS_URL,
          HANDOVER_ENCRYPTION_KEYS: `docs1:${Buffer.alloc(32, 3).toString('base64')}`,
        }
      : {}),
  };
}

/** Runs a prepared snippet file; a server snippet (waits for SIGTERM) is stopped once it listens. */
export function runSnippetFile(
  file: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const server = readFileSync(file, 'utf8').includes('SIGTERM'); // a server: stopped once it is up
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let stopped = false;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000); // only a hung snippet gets here
    child.stdout.on('data', (d) => {
      out += d;
      if (server && !stopped && out.includes(DONE)) stopped = child.kill('SIGTERM'); // DONE: its handler is set
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, out, err });
    });
  });
}
