import { describeFailure, type Failure } from './failure.js';
import { maskDeep, type TraceField } from './redact.js';
import { captureTrace, type Hop } from './trace.js';

/** The three ways an agent gets a credential (WIRE.md: the three resource types). */
export type PathName = 'xaa' | 'secret' | 'service-account';

/** The outcome of one run of an agent, safe to show and to print: nothing secret inside. */
export interface PathResult {
  readonly path: PathName;
  readonly title: string;
  readonly ok: boolean;
  /** Every HTTP request the run made, in order. */
  readonly hops: readonly Hop[];
  /**
   * The run worked without a token request: the agent reused the credential it had cached for
   * this user, so the hops show only the resource being called.
   */
  readonly fromCache: boolean;
  /** What the agent was granted (scopes, expiry, secret keys masked); absent on failure. */
  readonly credential?: readonly TraceField[] | undefined;
  /** The resource's answer, secret-named keys masked; absent on failure. */
  readonly answer?: unknown;
  /** One line saying what happened. */
  readonly summary: string;
  readonly failure?: Failure | undefined;
}

/** A sample agent as the web app and the demo drive it. */
export interface SampleAgent {
  readonly path: PathName;
  readonly title: string;
  /** Gets the credential for the user whose ID token this is, and calls the resource with it. */
  run(idToken: string): Promise<PathResult>;
  /** Forgets every credential cached for that user (on sign-out). */
  evict(idToken: string): Promise<void>;
}

/** What the work of a path returns when it succeeds. */
export interface PathOutcome {
  readonly credential: readonly TraceField[];
  readonly answer: unknown;
  readonly summary: string;
}

/**
 * Runs the work of one path, recording its hops, and turns the outcome or the error into a
 * `PathResult`. The error is described (codes and advice), never rethrown.
 */
export async function runPath(
  path: PathName,
  title: string,
  work: () => Promise<PathOutcome>,
): Promise<PathResult> {
  const captured = await captureTrace(work);
  // A resource or server may echo a credential of this run under an innocent name.
  const { scrubber } = captured;
  if (captured.ok) {
    return {
      path,
      title,
      ok: true,
      hops: captured.hops,
      fromCache: !captured.hops.some(isTokenRequest),
      credential: captured.value.credential.map((field) => ({
        name: scrubber.text(field.name),
        value: scrubber.value(field.value),
      })),
      answer: scrubber.deep(maskDeep(captured.value.answer)),
      summary: scrubber.text(captured.value.summary),
    };
  }

  const failure = scrubber.deep(describeFailure(captured.error)) as Failure;
  const server = failure.serverError ? ` (${failure.serverError})` : '';
  return {
    path,
    title,
    ok: false,
    hops: captured.hops,
    fromCache: false,
    summary: `failed: ${failure.code}${server}`,
    failure,
  };
}

/** A request to a token endpoint: its form carries a `grant_type` (RFC 6749 §4). */
function isTokenRequest(hop: Hop): boolean {
  return hop.request.some((field) => field.name === 'grant_type');
}
