package stream

import "sync"

// A lineNode stands for the first line number of an NDJSON block whose lines
// the reader left to its batch to count (Reader.CountLinesInBatches). The
// number is the block before it's plus that block's lines, so it is known
// once every block before it in its file is counted, in whatever order the
// batches are split.
type lineNode struct {
	chain *lineChain
	prev  *lineNode // the block before it in its file, until base is known
	base  int       // the block's first line, once prev is nil
	count int       // the block's lines, -1 until counted
}

// lineChain guards the nodes of one reader.
type lineChain struct {
	mu      sync.Mutex
	counted sync.Cond
}

func newLineChain() *lineChain {
	c := &lineChain{}
	c.counted.L = &c.mu
	return c
}

// publish records that n's block has count lines.
func (n *lineNode) publish(count int) {
	c := n.chain
	c.mu.Lock()
	n.count = count
	c.counted.Broadcast()
	c.mu.Unlock()
}

// first is n's block's first line, waiting for the blocks before it to be
// counted.
func (n *lineNode) first() int {
	c := n.chain
	c.mu.Lock()
	defer c.mu.Unlock()
	return n.firstLocked()
}

func (n *lineNode) firstLocked() int {
	if p := n.prev; p != nil {
		// Unresolved nodes before n are only those of batches not split
		// yet: a few.
		base := p.firstLocked()
		for p.count < 0 {
			n.chain.counted.Wait()
		}
		n.base, n.prev = base+p.count, nil
	}
	return n.base
}

// end is the line that follows n's block, waiting for it to be counted.
func (n *lineNode) end() int {
	c := n.chain
	c.mu.Lock()
	defer c.mu.Unlock()
	base := n.firstLocked()
	for n.count < 0 {
		c.counted.Wait()
	}
	return base + n.count
}
