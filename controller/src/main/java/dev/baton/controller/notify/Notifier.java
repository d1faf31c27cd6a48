package dev.baton.controller.notify;

import io.vertx.core.Future;

/** Delivers one event through one hook; fails (to be retried) when the far end does not take it. */
public interface Notifier {
  Future<Void> deliver(Event event, Hook hook);
}
