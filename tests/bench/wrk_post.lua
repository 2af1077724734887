-- wrk script: POST the JSON body in $BENCH_BODY (headers come from wrk's -H flags).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
