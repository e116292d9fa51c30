import { bool, defineOptions, float, int, str } from '../common/config/index.js'

/** Options of the message bus in `[DEFAULT]`, with oslo.messaging's names and defaults. */
export const messagingOptions = defineOptions('DEFAULT', {
  transport_url: str({
    default: 'memory://',
    secret: true,
    help: 'The message bus: memory:// (in-process, only for `leasehold up`) or rabbit://user:pass@host:port/vhost.',
  }),
  control_exchange: str({
    default: 'neutron',
    help: 'The topic exchange RPC messages go through; Neutron uses "neutron".',
  }),
  rpc_response_timeout: int({ default: 60, min: 1, help: 'Seconds a call waits for its reply.' }),
  executor_thread_pool_size: int({
    default: 64,
    min: 1,
    help: 'Most RPC requests one server handles at once.',
  }),
})

/** Options of the RabbitMQ driver in `[oslo_messaging_rabbit]`; all peers on a broker must agree. */
export const rabbitOptions = defineOptions('oslo_messaging_rabbit', {
  amqp_durable_queues: bool({
    default: false,
    help: 'Make the control exchange and the topic queues durable, so queued casts survive a broker restart.',
  }),
  amqp_auto_delete: bool({
    default: false,
    help: 'Auto-delete the control exchange and the topic queues.',
  }),
  rabbit_ha_queues: bool({ default: false, help: 'Declare every queue with x-ha-policy: all.' }),
  rabbit_quorum_queue: bool({
    default: false,
    help: 'Declare topic queues as quorum queues (implies durable).',
  }),
  rabbit_transient_queues_ttl: int({
    default: 1800,
    min: 1,
    help: 'Seconds reply and fanout queues live after their last consumer is gone.',
  }),
  rabbit_qos_prefetch_count: int({
    default: 0,
    min: 0,
    help: 'Unacknowledged messages one consumer may hold (0: no limit).',
  }),
  heartbeat_timeout_threshold: int({
    default: 60,
    min: 0,
    help: 'AMQP heartbeat timeout in seconds (0 disables heartbeats).',
  }),
  rabbit_retry_interval: float({
    default: 1,
    min: 0.01,
    help: 'Seconds before the first reconnect.',
  }),
  rabbit_retry_backoff: float({
    default: 2,
    min: 0,
    help: 'Seconds added to each further reconnect delay.',
  }),
  rabbit_interval_max: float({ default: 30, min: 0.01, help: 'Most seconds between reconnects.' }),
  kombu_missing_consumer_retry_timeout: int({
    default: 60,
    min: 0,
    help: 'Seconds a server keeps retrying a reply whose reply queue does not exist.',
  }),
  publish_timeout: int({
    default: 60,
    min: 1,
    help: 'Seconds a publish waits for the broker (and for a reconnect) before failing to its caller.',
  }),
})
