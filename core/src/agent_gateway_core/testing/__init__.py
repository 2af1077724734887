"""In-memory fakes for every port. Each passes its port's contract suite in agent-gateway-testing,
so it is a legitimate stand-in in any test."""
