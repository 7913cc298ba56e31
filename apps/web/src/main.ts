import { EnvError } from '@onbehalf/sample-kit';
import { startWebStack } from './stack.js';

try {
  const stack = await startWebStack({ WEB_PORT: '3000', ...process.env });
  console.log(`Web app: ${stack.url}`);
  if (stack.org) {
    console.log(`Local org: ${stack.org.issuer} (sign in as demo@example.com / demo-password)`);
  }
  const shutdown = () => {
    stack.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
