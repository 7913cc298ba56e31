import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The declaration files the compiler emits for the public entry point, by file name. */
function emitDeclarations(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const options = {
    ...config.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    outDir: undefined,
  };
  const program = ts.createProgram([`${root}src/index.ts`], options);
  const emitted = new Map<string, string>();
  program.emit(undefined, (name, text) => emitted.set(name, text));
  return emitted;
}

describe('published declarations', () => {
  it('import no node: module and reference no Node types, so consumers need no @types/node', () => {
    const emitted = emitDeclarations();
    expect(emitted.size).toBeGreaterThan(10);
    const nodeTypes = [...emitted]
      .filter(([, text]) => /from ['"]node:|reference types=["']node["']|\bNodeJS\./.test(text))
      .map(([name]) => name.slice(name.lastIndexOf('/') + 1));
    expect(nodeTypes).toEqual([]);
  }, 60_000);
});
