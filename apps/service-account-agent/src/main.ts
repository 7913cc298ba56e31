import { runAgentOnce } from '@onbehalf/sample-kit';
import { serviceAccountEnvSchema, setUpServiceAccountPath } from './setup.js';

process.exitCode = await runAgentOnce(serviceAccountEnvSchema, setUpServiceAccountPath);
