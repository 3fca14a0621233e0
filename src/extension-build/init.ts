/**
 * `handover-kit extension init [dir]`: a Cognigy extension project with the five handover nodes and
 * one node of your own, laid out as Cognigy's own extensions are (src/module.ts, tsconfig with
 * `moduleResolution: node`, README describing every node). `npm run build` makes the tarball.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { HandoverConfigError } from '../contract';
import { EXTENSION_NODE_TARGET } from './build';

const REPO = 'https://github.com/handover-kit/handover-kit';

export interface InitExtensionOptions {
  dir?: string;
  /** Package name (default: the folder's name). */
  name?: string;
  /** The handover-kit version range to depend on. */
  handoverKitVersion?: string;
}

/** Cognigy's stock extension tsconfig (legacy `moduleResolution: node`); handover-kit resolves there too. */
const TSCONFIG = {
  compilerOptions: {
    target: 'es2017',
    module: 'commonjs',
    moduleResolution: 'node',
    esModuleInterop: true,
    skipLibCheck: true,
    strict: true,
    outDir: 'build',
  },
  include: ['src'],
};

export function initExtension(options: InitExtensionOptions = {}): { dir: string; files: string[] } {
  const dir = resolve(options.dir ?? '.');
  const name =
    options.name ??
    (basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-') ||
      'my-extension');
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '1.0.0',
        description: 'Cognigy.AI extension: the handover-kit nodes plus our own.',
        main: 'build/module.js',
        license: 'MIT',
        private: true,
        scripts: { build: 'handover-kit extension build', typecheck: 'tsc --noEmit' },
        dependencies: { 'handover-kit': options.handoverKitVersion ?? 'latest', '@cognigy/extension-tools': '^0.14.0' },
        devDependencies: { esbuild: '^0.27.0', typescript: '^5.6.0' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    'src/module.ts': MODULE,
    'src/nodes/greet.ts': GREET,
    'README.md': readme(name),
    '.gitignore': 'node_modules\nbuild\n*.tar.gz\n',
  };
  const clashes = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (clashes.length)
    throw new HandoverConfigError(
      `${dir} already has ${clashes.join(', ')}: init writes a new project, pick an empty folder`,
      clashes.map((f) => ({ path: f, message: 'exists' })),
    );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return { dir, files: Object.keys(files) };
}

const MODULE = `import { createExtension } from '@cognigy/extension-tools';
import { createGatewayHandoverNodes, handoverGatewayConnection } from 'handover-kit/extension';
import { greetNode } from './nodes/greet';

export default createExtension({
  // The five handover nodes (they reach your handover gateway through the "Handover Gateway" connection)
  // and your own nodes.
  nodes: [...createGatewayHandoverNodes(), greetNode],
  connections: [handoverGatewayConnection],
  options: { label: 'Handover' },
});
`;

const GREET = `import { createNodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';

/** An example node of your own: says hello to the user by name. */
export const greetNode = createNodeDescriptor({
  type: 'greet',
  defaultLabel: 'Greet',
  fields: [{ key: 'name', label: 'Name', type: 'cognigyText', defaultValue: '{{profile.firstname}}' }],
  function: async ({ cognigy, config }: INodeFunctionBaseParams & { config: { name?: string } }) => {
    cognigy.api.say?.(\`Hello \${config.name || 'there'}!\`);
  },
});
`;

function readme(name: string): string {
  return `# ${name}

A Cognigy.AI extension with the [handover-kit](${REPO}) handover nodes, backed by a handover-kit
gateway (it holds the contact centers' credentials, receives their webhooks and brings agent messages
back into the user's session), plus our own nodes.

## Nodes

- **Handover to Agent**: hands the conversation to the chosen handover provider.
- **Check Agent Availability**: branches *Agents Available*, *No Agents Available*, *On Error*.
- **Lookup Handover Status**: branches on \`input.handover\` (Queue, Active, Completed, Cancelled, Error,
  Inactivity, …).
- **Close Handover**: ends the live handover and returns the user to the bot.
- **Set Handover Inactivity**: a user-inactivity timer in minutes.
- **Greet**: says hello (an example of your own node: edit \`src/nodes/greet.ts\`).

Node reference: ${REPO}/blob/main/docs/nodes.md

## Connection

**Handover Gateway**: \`url\` and \`apiKey\` (a key with the \`nodes\` role on the gateway). Gateway setup:
${REPO}/blob/main/docs/gateway.md

## Build and upload

\`npm run build\` (\`handover-kit extension build\`) bundles everything into \`build/module.js\`
(for ${EXTENSION_NODE_TARGET}) and writes \`${name}-<version>.tar.gz\`. Upload it in Cognigy.AI under
**Manage > Extensions > Upload extension**.
`;
}
