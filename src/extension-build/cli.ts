import { parseArgs } from 'node:util';
import { buildExtension } from './build';
import { initExtension } from './init';

interface IO {
  stdout(text: string): void;
}

/** `handover-kit extension init|build [dir]`. */
export async function runExtension(args: string[], io: IO, usage: (message: string) => Error): Promise<number> {
  const [sub, ...rest] = args;
  const options = {
    name: { type: 'string' },
    entry: { type: 'string' },
    target: { type: 'string' },
    version: { type: 'string' },
  } as const;
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof options }>
  >;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw usage(`${message} (handover-kit extension ${sub ?? ''} does not take it)`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw usage(`extension ${sub} takes one folder, got ${positionals.join(' ')}`);
  const dir = positionals[0];
  switch (sub) {
    case 'init': {
      const { dir: at, files } = initExtension({ dir, name: values.name, handoverKitVersion: values.version });
      const list = files.map((f) => `  ${f}`).join('\n');
      const next = `cd ${dir ?? '.'} && npm install && npm run build`;
      io.stdout(`Created a Cognigy extension project in ${at}:\n${list}\nNext: ${next}\n`);
      return 0;
    }
    case 'build': {
      const built = await buildExtension({ dir, entry: values.entry, target: values.target });
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const top = Object.entries(built.packages)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([p, n]) => `${p} ${kb(n)}`)
        .join(', ');
      io.stdout(
        `build/module.js: ${kb(built.moduleBytes)} (${top})\n` +
          `Upload ${built.tarball} in Cognigy.AI: Manage > Extensions > Upload extension.\n`,
      );
      return 0;
    }
    default:
      throw usage(
        sub ? `Unknown extension command "${sub}": use init or build` : 'extension needs a command: init or build',
      );
  }
}
