import { runAgentOnce } from '@onbehalf/sample-kit';
import { setUpXaaPath, xaaEnvSchema } from './setup.js';

process.exitCode = await runAgentOnce(xaaEnvSchema, setUpXaaPath);
