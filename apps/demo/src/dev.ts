import { startWebStack } from '@onbehalf/web';

/** Port 3000 when it is free (the default org's registered callback), else any free port. */
async function start() {
  try {
    return await startWebStack({ ...process.env, WEB_PORT: process.env.WEB_PORT ?? '3000' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.env.WEB_PORT) throw error;
    return startWebStack({ ...process.env, WEB_PORT: '0' });
  }
}

const stack = await start();
console.log(`\nOpen ${stack.url}`);
if (stack.org) {
  console.log(`Sign in as demo@example.com with the password demo-password.`);
  console.log(`The local org runs at ${stack.org.issuer}. Press Ctrl+C to stop.`);
}

const shutdown = () => {
  stack.stop().finally(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
