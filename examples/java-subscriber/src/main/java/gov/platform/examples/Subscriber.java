package gov.platform.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Subscribes to one of the platform's topics with Kafka's own Java client, decodes each message with the
 * CloudEvents Java SDK (binary content mode: attributes in ce_* headers, data in the body), checks the
 * event's hash and its link to the previous event of the same stream, and prints one line per event:
 *
 * <pre>event type=… caseid=… subject=… streamversion=… key=… hash=ok link=ok</pre>
 *
 * Usage: java -cp … gov.platform.examples.Subscriber BOOTSTRAP TOPIC GROUP_ID [MAX_EVENTS]
 * It reads from the beginning of the topic (a new group) and stops after MAX_EVENTS events, if given.
 */
public final class Subscriber {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GENESIS = "0".repeat(64);

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Subscriber BOOTSTRAP TOPIC GROUP_ID [MAX_EVENTS]");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    String groupId = args[2];
    long maxEvents = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Replay from the beginning: topics keep every event.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());

    // subject@streamversion → hash, of the events that verified.
    Map<String, String> verified = new HashMap<>();
    long seen = 0;
    try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      System.out.println("subscribed topic=" + topic + " group=" + groupId);
      while (seen < maxEvents) {
        for (ConsumerRecord<String, CloudEvent> record : consumer.poll(Duration.ofMillis(500))) {
          System.out.println(describe(record, verified));
          seen++;
        }
        // At least once: commit after the events were handled. A repeat (same ce_id) is a duplicate.
        consumer.commitSync();
      }
    }
  }

  static String describe(ConsumerRecord<String, CloudEvent> record, Map<String, String> verified)
      throws Exception {
    CloudEvent event = record.value();
    String subject = event.getSubject();
    String hash = text(event.getExtension("hash"));
    String prevhash = text(event.getExtension("prevhash"));
    long streamversion = Long.parseLong(text(event.getExtension("streamversion")));

    String computed = sha256Hex(canonicalEnvelope(record, event));
    String hashCheck = computed.equals(hash) ? "ok" : "MISMATCH(" + computed + ")";

    // The link: prevhash is the hash of the stream's previous event (64 zeros for its first event). A
    // duplicate (same ce_id, delivered again) links to the same predecessor.
    String previous =
        streamversion == 0 ? GENESIS : verified.get(subject + "@" + (streamversion - 1));
    String linkCheck = previous == null ? "unseen" : previous.equals(prevhash) ? "ok" : "BROKEN";
    if (computed.equals(hash)) verified.put(subject + "@" + streamversion, hash);

    return "event type=" + event.getType()
        + " caseid=" + orDash(event.getExtension("caseid"))
        + " subject=" + subject
        + " streamversion=" + streamversion
        + " key=" + record.key()
        + " hash=" + hashCheck
        + " link=" + linkCheck;
  }

  /**
   * The envelope the platform hashed: every attribute but `hash` (no `position`), `streamversion` as a
   * number, the actor as an object, `data` as JSON. `time` is taken from the raw header, as written:
   * the SDK parses it into an OffsetDateTime whose text form may differ.
   */
  static String canonicalEnvelope(ConsumerRecord<String, CloudEvent> record, CloudEvent event)
      throws Exception {
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("specversion", event.getSpecVersion().toString());
    envelope.put("id", event.getId());
    envelope.put("type", event.getType());
    envelope.put("source", event.getSource().toString());
    envelope.put("subject", event.getSubject());
    envelope.put("time", header(record, "ce_time"));
    JsonNode data =
        event.getData() == null ? JSON.nullNode() : JSON.readTree(event.getData().toBytes());
    envelope.set("data", data);
    for (String name : List.of("caseid", "causationid", "correlationid", "region")) {
      Object value = event.getExtension(name);
      if (value != null) envelope.put(name, text(value));
    }
    ObjectNode actor = envelope.putObject("actor");
    actor.put("id", text(event.getExtension("actorid")));
    actor.put("role", text(event.getExtension("actorrole")));
    Object department = event.getExtension("actordepartment");
    if (department != null) actor.put("department", text(department));
    envelope.put("streamversion", Long.parseLong(text(event.getExtension("streamversion"))));
    envelope.put("prevhash", text(event.getExtension("prevhash")));
    // RFC 8785: sorted keys, no whitespace, ECMAScript number forms.
    return new JsonCanonicalizer(JSON.writeValueAsString(envelope)).getEncodedString();
  }

  static String sha256Hex(String text) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
