"""What the simulators share to push webhooks: a courier that posts each delivery in a task of its own.

Square (`pos/`) and WooCommerce (`webshop/`) each decide what to send, how to sign it and what a failure
means (Square retries, WooCommerce counts failures); the courier only posts, times out and keeps a log.
"""
