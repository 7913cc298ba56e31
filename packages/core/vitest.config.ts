import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';
import packageJson from './package.json' with { type: 'json' };

export default mergeConfig(shared, {
  // The same constant tsup inlines when building (see src/version.ts).
  define: { __ONBEHALF_CORE_VERSION__: JSON.stringify(packageJson.version) },
});
