package io.migplan.cli.client;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The body of a streamed answer, taken a chunk at a time as the reader asks: the next chunk is
 * requested from the connection only once the reader took the last one, so at most one chunk (the
 * JDK client's buffers, 16 KiB each) waits here however slow the reader is. A read waits at most
 * the time it is given, so a connection gone silent is noticed ({@link Silent}) and
 * {@link #cancel()}led, where a blocking stream would wait for ever.
 */
final class BodyChunks implements HttpResponse.BodySubscriber<BodyChunks> {

    /** The connection sent nothing for longer than the reader would wait. */
    static final class Silent extends IOException {
        Silent(String message) {
            super(message);
        }
    }

    private static final Object END = new Object();

    /** One chunk and the end (or a failure) at most: a chunk is requested only after the last was taken. */
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
    private final CompletableFuture<BodyChunks> body = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private boolean ended;

    @Override
    public CompletionStage<BodyChunks> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.offer(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.offer(t);
    }

    @Override
    public void onComplete() {
        queue.offer(END);
    }

    /**
     * The next chunk's buffers; null once the body ended.
     *
     * @throws Silent      when nothing came within {@code wait}
     * @throws IOException when the connection broke
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(Duration wait) throws IOException, InterruptedException {
        if (ended) {
            return null;
        }
        Object o = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new Silent("sent nothing for " + (wait.toMillis() % 1000 == 0 ? wait.toSeconds() + " s"
                    : wait.toMillis() + " ms"));
        }
        if (o == END) {
            ended = true;
            return null;
        }
        if (o instanceof Throwable t) {
            ended = true;
            throw t instanceof IOException io ? io : new IOException(t.getMessage() == null ? t.toString()
                    : t.getMessage(), t);
        }
        subscription.request(1);
        return (List<ByteBuffer>) o;
    }

    /** Reads what is left, at most {@code max} bytes (a refusal's JSON), each chunk within {@code wait}. */
    String readAll(int max, Duration wait) throws IOException, InterruptedException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (List<ByteBuffer> chunk = next(wait); chunk != null; chunk = next(wait)) {
            for (ByteBuffer b : chunk) {
                int n = Math.min(b.remaining(), max - out.size());
                byte[] bytes = new byte[n];
                b.get(bytes);
                out.write(bytes);
            }
            if (out.size() >= max) {
                cancel();
                break;
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Gives the connection up (the reader stops reading); safe to call more than once, from any thread. */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        queue.offer(new IOException("the stream was closed"));
    }
}
