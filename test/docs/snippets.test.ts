// Every code block in README.md and docs/ runs (or is checked) here, as a reader would use it:
// ts blocks as ESM and CJS programs against the built package (dist/, by its package name).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ENV } from '../../src/gateway/config';
import {
  collectSnippets,
  DONE,
  prepareSnippet,
  region,
  repoRoot,
  runSnippetFile,
  snippetEnv,
  type Snippet,
} from './snippets';

const snippets = collectSnippets();
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
// Inside node_modules: resolves `handover-kit` (the repo's self-link) and its dependencies like a user's file.
const scratch = join(repoRoot, 'node_modules/.cache/handover-kit-snippets');

const ensureBuilt = () => {
  if (!existsSync(join(repoRoot, 'dist/index.js')))
    spawnSync('npx', ['tsup', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
};

const cliHelp = new Map<string, { status: number | null; text: string }>();
function help(command: string) {
  if (!cliHelp.has(command)) {
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), command, '--help'], { encoding: 'utf8' });
    cliHelp.set(command, { status: r.status, text: r.stdout + r.stderr });
  }
  return cliHelp.get(command)!;
}

/** Each command line of a bash block: npm scripts exist, CLI subcommands and flags are the CLI's own, env vars are the gateway's. */
function checkBash(snippet: Snippet) {
  const knownEnv = new Set([
    ...GATEWAY_ENV.map((e) => e.env),
    'HANDOVER_GATEWAY_CONFIG',
    'HANDOVER_GATEWAY_URL',
    'HANDOVER_GATEWAY_KEY',
  ]);
  for (const raw of snippet.code.split('\n')) {
    const line = raw
      .replace(/\s+#.*$/, '')
      .replace(/^#.*$/, '')
      .trim();
    if (!line) continue;
    if (/^(export\s+)?[A-Z_][A-Z0-9_]*=/.test(line)) {
      for (const [, name] of line.matchAll(/(?:^|\s)([A-Z_][A-Z0-9_]*)=/g))
        expect(knownEnv, `${snippet.id}: ${name}`).toContain(name);
      continue;
    }
    const npmRun = /^npm run ([\w:-]+)/.exec(line);
    if (npmRun) {
      expect(pkg.scripts, `${snippet.id}: ${line}`).toHaveProperty([npmRun[1]!]);
      continue;
    }
    const cli = /^(?:npx\s+)?handover-kit\s+(\S+)(.*)$/.exec(line);
    if (cli) {
      const [, command, rest] = cli as unknown as [string, string, string];
      const h = help(command);
      expect(h.status, `${snippet.id}: ${command} --help\n${h.text}`).toBe(0);
      const words = rest.trim().split(/\s+/).filter(Boolean);
      for (const flag of words.filter((w) => w.startsWith('--')))
        expect(h.text, `${snippet.id}: ${line}`).toContain(flag.split('=')[0]);
      if (command === 'providers' || command === 'extension')
        expect(h.text, `${snippet.id}: ${line}`).toContain(words[0]);
      continue;
    }
    expect(line, `${snippet.id}: a command the docs test does not know how to check`).toMatch(
      /^(npm (test|install|ci)|node -v)\b/,
    );
  }
}

describe('README and docs code blocks', () => {
  it('every block says what it is (ts, bash or text)', () => {
    for (const s of snippets) expect(['ts', 'bash', 'text'], `${s.file}:${s.line}`).toContain(s.lang);
    expect(snippets.filter((s) => s.lang === 'ts').length).toBeGreaterThanOrEqual(7);
  });

  it('included blocks equal the region of the tested file they come from', () => {
    for (const s of snippets.filter((x) => x.include))
      expect(s.code, `${s.file}:${s.line}`).toBe(region(s.include!.file, s.include!.region));
  });

  it('bash blocks only use real npm scripts, CLI commands, flags and variables', () => {
    ensureBuilt();
    for (const s of snippets.filter((x) => x.lang === 'bash')) checkBash(s);
  });

  const programs = snippets.filter((s) => s.lang === 'ts' && !s.include);
  for (const format of ['esm', 'cjs'] as const) {
    it.each(programs.map((s) => [`${s.file}:${s.line}`, s] as const))(
      `%s runs to the end as ${format}`,
      async (_, s) => {
        ensureBuilt();
        mkdirSync(scratch, { recursive: true });
        const file = join(scratch, `${s.id}.${format === 'esm' ? 'mjs' : 'cjs'}`);
        writeFileSync(file, prepareSnippet(s.code, format));
        const r = await runSnippetFile(file, scratch, snippetEnv());
        expect({ code: r.code, err: r.err }, r.out).toEqual({ code: 0, err: expect.any(String) });
        expect(r.out, r.err).toContain(DONE);
      },
      90_000,
    );
  }
});
