// The Kafka layer's configuration: which brokers and topics, and how to authenticate. cli/config.ts fills it.
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export interface KafkaSasl {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}
/** PEM texts read at start (a missing or unreadable file is a config error, not a failure at first connect). */
export interface KafkaTls {
  ca: string | null;
  cert: string | null;
  key: string | null;
  servername: string | null;
  caFile: string | null;
}

export interface KafkaOptions {
  brokers: string[]; // empty when KAFKA_BROKERS is unset
  topic: string;
  dlqTopic: string;
  group: string;
  clientId: string;
  partitions: number; // for topics we create
  sasl: KafkaSasl | null; // KAFKA_SASL_*: null = no authentication
  tls: KafkaTls | null; // KAFKA_TLS*: null = plaintext
}
