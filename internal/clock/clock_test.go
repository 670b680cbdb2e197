package clock

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestEveryWaitsOneIntervalAndStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	done := make(chan struct{})
	start := time.Now()
	var first atomic.Int64
	go func() {
		defer close(done)
		Every(ctx, 20*time.Millisecond, func(context.Context) {
			if runs.Add(1) == 1 {
				first.Store(int64(time.Since(start)))
			}
		})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Every did not return when its context ended")
	}
	if runs.Load() < 3 {
		t.Fatalf("work ran %d times in 5 s at a 20 ms interval", runs.Load())
	}
	if d := time.Duration(first.Load()); d < 20*time.Millisecond {
		t.Errorf("first run after %s, before one interval", d)
	}
}
