"""The start-chat API's pure logic: request validation, customer tokens, the page's Korean messages.

No AWS and no I/O here: ``handlers.start_chat`` reads the event, the secret and calls Connect.
"""
