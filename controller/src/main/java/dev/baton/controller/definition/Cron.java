package dev.baton.controller.definition;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;

/** A five-field (Unix) cron expression in a time zone: when it last fired, when it fires next. */
public final class Cron {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String expression;
  private final ExecutionTime times;
  private final ZoneId zone;
  private final String words;

  private Cron(String expression, ExecutionTime times, ZoneId zone, String words) {
    this.expression = expression;
    this.times = times;
    this.zone = zone;
    this.words = words;
  }

  /**
   * Parses {@code expression} in {@code timeZone} (null: UTC).
   *
   * @throws IllegalArgumentException with what is wrong, in words
   */
  public static Cron parse(String expression, String timeZone) {
    ZoneId zone;
    try {
      zone = timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone \"" + timeZone + "\"; use an IANA name such as Europe/Paris"
          + " or UTC");
    }
    if (expression == null || expression.trim().split("\\s+").length != 5) {
      throw new IllegalArgumentException("\"" + expression + "\" is not a cron expression of five fields (minute hour"
          + " day-of-month month day-of-week), such as \"0 19 * * 1-5\"");
    }
    try {
      var cron = PARSER.parse(expression.trim());
      cron.validate();
      return new Cron(expression.trim(), ExecutionTime.forCron(cron), zone,
          CronDescriptor.instance(Locale.ENGLISH).describe(cron));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + expression + "\" is not a valid cron expression: " + e.getMessage());
    }
  }

  /** The last time it fired at or before {@code now}. */
  public Optional<Instant> last(Instant now) {
    ZonedDateTime z = now.atZone(zone);
    if (times.isMatch(z.withSecond(0).withNano(0))) {
      return Optional.of(z.withSecond(0).withNano(0).toInstant());
    }
    return times.lastExecution(z).map(ZonedDateTime::toInstant);
  }

  /** The next time it fires after {@code now}. */
  public Optional<Instant> next(Instant now) {
    return times.nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** In words: "at 19:00 every day between Monday and Friday". */
  public String describe() {
    return words + " (" + zone + ")";
  }
}
