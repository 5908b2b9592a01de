-- The event ids of an insert batch that bounce_events already holds (insertEvents drops those before inserting,
-- so a replay never counts twice in the rollups). The bounce-time range, provider and category narrow the read
-- to the partitions and key ranges the batch covers. The production ingest user may read exactly the columns
-- named here (docker/clickhouse/users.d/bounce-users.xml); test/integration/dashboards.test.ts checks the two agree.
-- The lineage (Kafka partition and offset) tells a replay which stored rows are its own (queries/events.ts).
SELECT DISTINCT event_id, kafka_partition, kafka_offset
FROM bounce_events
WHERE toDate(bounced_at) >= toDate(parseDateTimeBestEffort({lo:String}, 'UTC'))
  AND toDate(bounced_at) <= toDate(parseDateTimeBestEffort({hi:String}, 'UTC'))
  AND provider IN {providers:Array(String)}
  AND category IN {categories:Array(String)}
  AND event_id IN {ids:Array(String)}
