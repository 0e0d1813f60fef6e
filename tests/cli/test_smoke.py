def test_pledge_then_status(ctrack):
    assert ctrack.ok("pledge", "meet-annually", "--on", "2023-08-18", "--title", "Meet", "--party", "US",
                     "--party", "ROK", "--cadence", "annual").stdout == "meet-annually#1\n"
    board = ctrack.json("status", "--as-of", "2024-01-01")
    assert [(c["id"], c["status"], c["parties"]) for c in board["commitments"]] == [("meet-annually", "pledged", ["US", "KR"])]
