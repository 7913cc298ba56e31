/** Messages between the bench and its org host child process. */

/** Sent once the servers listen. */
export interface HostReady {
  readonly type: 'ready';
  readonly issuer: string;
  /** The org token endpoint. */
  readonly tokenEndpoint: string;
  readonly customServers: Record<string, { issuer: string; tokenEndpoint: string }>;
  /** The oidc-provider baseline's token endpoint, when it was started. */
  readonly baselineTokenEndpoint: string | undefined;
}

/** A memory reading taken after two forced garbage collections. */
export interface HostMemory {
  readonly type: 'memory';
  readonly rss: number;
  readonly heapUsed: number;
  readonly auditLines: number;
}

/** Sent after the servers closed and the audit file was flushed. */
export interface HostStopped {
  readonly type: 'stopped';
  readonly auditLines: number;
}

/** Child to parent. */
export type HostMessage = HostReady | HostMemory | HostStopped;
/** Parent to child. */
export type HostRequest = { readonly type: 'memory' } | { readonly type: 'stop' };
