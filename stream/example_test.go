package stream_test

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/concordsec/concord/stream"
)

// Batches go from the reading goroutine to workers and come back to be
// refilled, so the steady state allocates nothing.
func ExampleReader_NextBatch() {
	in := strings.NewReader(`{"Records":[{"eventName":"A"},{"eventName":"B"},{"eventName":"C"}]}`)
	r := stream.Open([]string{"-"}, in)

	const workers = 2
	free := make(chan *stream.Batch, workers+1)
	for range cap(free) {
		free <- new(stream.Batch)
	}
	full := make(chan *stream.Batch)
	var mu sync.Mutex
	var seen []string
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range full {
				for i := range b.Len() {
					_ = b.Raw(i) // decode and run the rules here
					mu.Lock()
					seen = append(seen, b.Source(i))
					mu.Unlock()
				}
				free <- b
			}
		}()
	}
	for {
		b := <-free
		if err := r.NextBatch(b, 4096, 4<<20); err == io.EOF {
			break
		}
		for _, e := range b.Errs {
			fmt.Println(e)
		}
		full <- b
	}
	close(full)
	wg.Wait()
	fmt.Println(len(seen), "events")
	// Output: 3 events
}
