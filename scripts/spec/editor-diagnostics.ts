/**
 * What an editor says about spec files: runs the YAML language server (the engine of VS Code's
 * YAML extension) with docs/fjc-spec.schema.json on the files given and prints its diagnostics.
 *
 *   npx tsx scripts/spec/editor-diagnostics.ts test/fixtures/spec-corpus/invalid/*.yaml
 *
 * yaml-language-server (pinned) is installed on first use into .cache/openapi-tools, not into
 * node_modules: it is a check, not a dependency.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEC_JSON_SCHEMA_PATH } from '../../functions/core/spec/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = join(root, '.cache', 'openapi-tools');
const SERVER = 'yaml-language-server@1.25.0';

interface Diagnostic {
  range: { start: { line: number } };
  message: string;
}
interface LanguageService {
  configure(settings: Record<string, unknown>): void;
  doValidation(document: unknown, isKubernetes: boolean): Promise<Diagnostic[]>;
}

if (!existsSync(join(tools, 'node_modules', 'yaml-language-server'))) {
  mkdirSync(tools, { recursive: true });
  if (!existsSync(join(tools, 'package.json')))
    writeFileSync(join(tools, 'package.json'), '{"private":true}\n');
  console.log(`installing ${SERVER} into ${tools}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', SERVER], {
    cwd: tools,
    stdio: 'inherit',
  });
}

const load = createRequire(join(tools, 'package.json'));
const { getLanguageService } = load(
  'yaml-language-server/lib/umd/languageservice/yamlLanguageService',
) as { getLanguageService: (params: Record<string, unknown>) => LanguageService };
const { TextDocument } = load('vscode-languageserver-textdocument') as {
  TextDocument: { create(uri: string, language: string, version: number, text: string): unknown };
};

const schema: unknown = JSON.parse(readFileSync(join(root, SPEC_JSON_SCHEMA_PATH), 'utf8'));
const service = getLanguageService({
  schemaRequestService: () => Promise.resolve(JSON.stringify(schema)),
  workspaceContext: { resolveRelativePath: (path: string) => path },
});
service.configure({
  validate: true,
  schemas: [{ uri: 'file:///fjc-spec.schema.json', fileMatch: ['*.yaml', '*.yml'], schema }],
});

for (const file of process.argv.slice(2)) {
  const text = readFileSync(resolve(file), 'utf8');
  const document = TextDocument.create(`file:///specs/${basename(file)}`, 'yaml', 1, text);
  const diagnostics = await service.doValidation(document, false);
  console.log(`${file}:`);
  if (diagnostics.length === 0) console.log('  (no problems)');
  for (const { range, message } of diagnostics)
    console.log(`  line ${range.start.line + 1}: ${message.replaceAll('\n', ' ')}`);
}
