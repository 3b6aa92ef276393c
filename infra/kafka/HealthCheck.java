import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Exit 0 if a Kafka broker answers real protocol requests (DescribeCluster + ListTopics)
 * at the given bootstrap address, 1 otherwise. Used by kafka.sh start/status.
 *
 * With --warmup it also makes the group and transaction coordinators ready (creates
 * __consumer_offsets and __transaction_state), so the first client after a fresh start does not
 * see "coordinator is loading / not available" retries.
 *
 * Usage: java -cp '.cache/classes:.cache/lib/*' HealthCheck 127.0.0.1:9092 [--warmup]
 */
public final class HealthCheck {
  public static void main(String[] args) {
    String brokers = args.length > 0 ? args[0] : "127.0.0.1:9092";
    boolean warmup = args.length > 1 && args[1].equals("--warmup");
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, warmup ? 20000 : 3000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, warmup ? 30000 : 5000);
    try (Admin admin = Admin.create(p)) {
      int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
      int topics = admin.listTopics().names().get(5, TimeUnit.SECONDS).size();
      if (nodes == 0) throw new IllegalStateException("no brokers in cluster metadata");
      if (warmup) {
        // FindCoordinator(GROUP) + OffsetFetch: creates __consumer_offsets and waits for it to load.
        admin.listConsumerGroupOffsets("siyu-kafka-sh-warmup").partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
        // InitProducerId via a transactional producer: creates __transaction_state and waits.
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "siyu-kafka-sh-warmup");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30000);
        try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
          producer.initTransactions();
        }
      }
      System.out.println("ok: " + nodes + " broker(s), " + topics + " topic(s)");
      System.exit(0);
    } catch (Exception e) {
      System.err.println("not ready: " + e);
      System.exit(1);
    }
  }
}
