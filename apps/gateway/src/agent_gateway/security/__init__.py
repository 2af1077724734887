"""Security of data at rest: the production SecretBox and where its key comes from."""
