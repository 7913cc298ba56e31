import { runAgentOnce } from '@onbehalf/sample-kit';
import { secretEnvSchema, setUpSecretPath } from './setup.js';

process.exitCode = await runAgentOnce(secretEnvSchema, setUpSecretPath);
