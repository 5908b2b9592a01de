// The Kafka security and metrics flags every Kafka command takes; values go through loadConfig like the env vars.
import type { Command } from 'commander';

export function addKafkaSecurityOptions(cmd: Command): Command {
  return cmd
    .option(
      '--sasl-mechanism <name>',
      'plain, scram-sha-256 or scram-sha-512 (default: KAFKA_SASL_MECHANISM; password only from KAFKA_SASL_PASSWORD)',
    )
    .option('--sasl-username <user>', 'SASL user (default: KAFKA_SASL_USERNAME)')
    .option('--tls', 'connect with TLS (default: KAFKA_TLS; implied by any --tls-* option)')
    .option(
      '--tls-ca <file>',
      'PEM CA that signed the broker certificate (default: KAFKA_TLS_CA_FILE; else the system CAs)',
    )
    .option('--tls-cert <file>', 'PEM client certificate (default: KAFKA_TLS_CERT_FILE)')
    .option('--tls-key <file>', 'PEM key of the client certificate (default: KAFKA_TLS_KEY_FILE)')
    .option(
      '--tls-servername <name>',
      'name the broker certificate must carry when it differs from the broker host (default: KAFKA_TLS_SERVERNAME)',
    );
}

export function addMetricsOption(cmd: Command): Command {
  return cmd.option(
    '--metrics-port <port>',
    'serve Prometheus /metrics, /healthz, /readyz on this port (default: BOUNCE_METRICS_PORT; unset = off)',
  );
}
