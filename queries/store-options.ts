// The store layer's configuration: where ClickHouse is and how the schema is shaped. cli/config.ts fills it.
export interface StoreOptions {
  url: string | null; // CLICKHOUSE_URL; null = embedded chDB
  user: string;
  password: string;
  database: string;
  dataDir: string; // embedded chDB data directory
  retentionDays: number; // TTL of events and rollups, by bounce time (default 10 years: archives stay)
  episodeGapHours: number; // a listing episode ends after this much silence
  cluster: string | null; // CLICKHOUSE_CLUSTER: use the Replicated + Distributed variant
}
