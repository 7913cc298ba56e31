import { defineConfig } from 'tsup';
import packageJson from './package.json' with { type: 'json' };

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Only the version string is inlined, not the whole package.json.
  define: { __ONBEHALF_CORE_VERSION__: JSON.stringify(packageJson.version) },
});
