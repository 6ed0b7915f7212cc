package stream

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"
	"testing"
)

// cloudTrailEvent is a ~1.5 KB event shaped like CloudTrail's: nested
// objects, arrays, escaped quotes, ARNs and timestamps.
func cloudTrailEvent(i int) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID%06d:session-%d","arn":"arn:aws:sts::123456789012:assumed-role/Admin-Role/session-%d","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE%09d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID%06d","arn":"arn:aws:iam::123456789012:role/Admin-Role","accountId":"123456789012","userName":"Admin-Role"},"attributes":{"creationDate":"2024-03-%02dT%02d:%02d:%02dZ","mfaAuthenticated":"false"}}},"eventTime":"2024-03-%02dT%02d:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.%d","userAgent":"[aws-cli/2.15.0 Python/3.11.6 Linux/6.2.0 exe/x86_64.ubuntu.22]","requestParameters":{"bucketName":"example-bucket-%d","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::example-bucket-%d/*"]}]},"policy":"{\"Version\":\"2012-10-17\",\"Id\":\"p-%d\"}","Host":"example-bucket-%d.s3.amazonaws.com"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":%d,"AuthenticationMethod":"AuthHeader","bytesTransferredOut":0},"requestID":"%016X","eventID":"%08x-1b2c-4d3e-8f90-%012x","readOnly":false,"resources":[{"accountId":"123456789012","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::example-bucket-%d"}],"eventType":"AwsApiCall","managementEvent":true,"eventCategory":"Management"}`,
		i, i, i, i, i, i%28+1, i%24, i%60, i%60, i%28+1, i%24, i%60, i%60, i%256, i, i, i, i, 500+i%1000, i*7919, i, i, i)
}

const benchSize = 50 << 20

var benchData = sync.OnceValues(func() (ndjson, records []byte) {
	var nd, rec bytes.Buffer
	rec.WriteString(`{"Records":[`)
	for i := 0; nd.Len() < benchSize; i++ {
		ev := cloudTrailEvent(i)
		nd.WriteString(ev)
		nd.WriteByte('\n')
		if i > 0 {
			rec.WriteByte(',')
		}
		rec.WriteString(ev)
	}
	rec.WriteString(`]}`)
	return nd.Bytes(), rec.Bytes()
})

var benchGzip = sync.OnceValues(func() (ndjson, records []byte) {
	z := func(b []byte) []byte {
		var out bytes.Buffer
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
		return out.Bytes()
	}
	nd, rec := benchData()
	return z(nd), z(rec)
})

func benchNext(b *testing.B, data []byte, text int) {
	b.SetBytes(int64(text))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		r := Open([]string{"-"}, bytes.NewReader(data))
		n = 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(text)/float64(n), "B/event")
}

// benchBatch reads batches with harness.Scan's bounds. Without split it
// measures what the reading goroutine does; with it, what a worker adds by
// splitting NDJSON into events too.
func benchBatch(b *testing.B, data []byte, split bool) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var batch Batch
	for b.Loop() {
		r := Open([]string{"-"}, bytes.NewReader(data))
		for {
			err := r.NextBatch(&batch, 2048, 4<<20)
			if err == io.EOF {
				break
			}
			if err != nil || len(batch.Errs) > 0 {
				b.Fatal(err, batch.Errs)
			}
			if split {
				batch.Len()
			}
		}
	}
}

func BenchmarkNDJSON(b *testing.B) {
	nd, _ := benchData()
	benchNext(b, nd, len(nd))
}

func BenchmarkRecords(b *testing.B) {
	_, rec := benchData()
	benchNext(b, rec, len(rec))
}

func BenchmarkNDJSONBatch(b *testing.B) {
	nd, _ := benchData()
	benchBatch(b, nd, false)
}

func BenchmarkNDJSONBatchSplit(b *testing.B) {
	nd, _ := benchData()
	benchBatch(b, nd, true)
}

func BenchmarkRecordsBatch(b *testing.B) {
	_, rec := benchData()
	benchBatch(b, rec, false)
}

// The gzip benchmarks measure decompressed bytes per second; compress/gzip
// sets their pace.
func BenchmarkNDJSONGzip(b *testing.B) {
	nd, _ := benchData()
	z, _ := benchGzip()
	benchNext(b, z, len(nd))
}

func BenchmarkRecordsGzip(b *testing.B) {
	_, rec := benchData()
	_, z := benchGzip()
	benchNext(b, z, len(rec))
}

// BenchmarkMemmove is the ceiling: copying the input once, as reading it from
// the page cache does.
func BenchmarkMemmove(b *testing.B) {
	nd, _ := benchData()
	b.SetBytes(int64(len(nd)))
	buf := make([]byte, 1<<20)
	for b.Loop() {
		r := bytes.NewReader(nd)
		for {
			if _, err := r.Read(buf); err == io.EOF {
				break
			}
		}
	}
}
