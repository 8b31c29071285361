
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lp-consumer' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lp-consumer'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lp-consumer' {
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version; with -v, also the TLS library')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version; with -v, also the TLS library')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('jwt-sub', 'jwt-sub', [CompletionResultType]::ParameterValue, 'Print the JWT''s claims as one JSON line (no network); `.sub` is the consumerId')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Publish text messages (ms.PublishEvent); prints one response body per message')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Print a conversation''s events from a sequence on: history first, then live')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a conversation (cm.UpdateConversationField); prints the response, or {"conversationId":...,"alreadyClosed":true} (exit 0) if it was closed')
            [CompletionResult]::new('conversations', 'conversations', [CompletionResultType]::ParameterValue, 'List this consumer''s conversations (cqm.SubscribeExConversations), one line each')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'A whole conversation on one socket: each line of stdin is a message, every event is printed')
            [CompletionResult]::new('click', 'click', [CompletionResultType]::ParameterValue, 'Click a quick reply, button, image or map of a message, or a checklist''s submit button')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script: bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('domains', 'domains', [CompletionResultType]::ParameterValue, 'Print the account''s hosts from the domain API (CSDS), one line per service')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Get a consumer token from the account''s IdP (signup, or --auth-code-file); the one command that prints a token')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run BotiumScript convo files (*.convo.txt) against the bot; one line per convo, then a summary')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lp-consumer;jwt-sub' {
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;create' {
            [CompletionResult]::new('--skill', '--skill', [CompletionResultType]::ParameterName, 'Route to this skill id (-1 = any skill)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign id (campaignInfo.campaignId); goes with --engagement')
            [CompletionResult]::new('--engagement', '--engagement', [CompletionResultType]::ParameterName, 'Engagement id (campaignInfo.engagementId); goes with --campaign')
            [CompletionResult]::new('--brand', '--brand', [CompletionResultType]::ParameterName, 'Brand id (body.brandId); LivePerson uses the account id')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Conversation context as a JSON object, e.g. ''{"type":"SharkContext","lang":"en-US"}''')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--reuse', '--reuse', [CompletionResultType]::ParameterName, 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;send' {
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;subscribe' {
            [CompletionResult]::new('--from-seq', '--from-seq', [CompletionResultType]::ParameterName, 'First sequence to print (a --state-file cursor wins over it)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Exit 0 when no new event arrived for SECS (the clock starts when the subscription is set up; pick SECS above the pauses of a replay)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit 0 after printing N lines')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)')
            [CompletionResult]::new('--state-file', '--state-file', [CompletionResultType]::ParameterName, 'Cursor file: resume after the sequence it holds, and store the highest sequence handled after each burst of frames is flushed (atomically). One run at a time per file')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Keep only events sent by the agent side (originatorId is not the JWT''s sub) or by the consumer')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Keep only events of this event.type (ContentEvent, RichContentEvent, AcceptStatusEvent, ChatStateEvent); repeatable')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Keep only events whose serverTimestamp is at or after TIME: an RFC 3339 time (2026-12-06T08:00:00Z, or with an offset) or a duration before now (90s, 30m, 2h, 1d, 1w, 1h30m)')
            [CompletionResult]::new('--ack', '--ack', [CompletionResultType]::ParameterName, 'Publish this receipt for each agent content event printed (ContentEvent, RichContentEvent) that the consumer has not marked yet')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Stream until Ctrl-C, even past the end of the conversation (by default the run ends, exit 0, when the conversation is closed)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)')
            [CompletionResult]::new('--state-file-symlink', '--state-file-symlink', [CompletionResultType]::ParameterName, 'Let --state-file be a symbolic link: the file it points to is read, locked and replaced. Without this, a link is refused (someone else''s link, in a shared folder, could aim the writes elsewhere)')
            [CompletionResult]::new('--frames', '--frames', [CompletionResultType]::ParameterName, 'Print every frame received, verbatim, instead of one line per event (JSON: not with --format text)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;close' {
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;conversations' {
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Only conversations in this stage, whatever its case (implies --all for CLOSE)')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Closed conversations too (LivePerson keeps them listed for a while)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;ack' {
            [CompletionResult]::new('--seq', '--seq', [CompletionResultType]::ParameterName, 'Sequences to acknowledge (repeat the flag or separate with commas)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'The receipt to publish')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;chat' {
            [CompletionResult]::new('--skill', '--skill', [CompletionResultType]::ParameterName, 'Route to this skill id (-1 = any skill)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign id (campaignInfo.campaignId); goes with --engagement')
            [CompletionResult]::new('--engagement', '--engagement', [CompletionResultType]::ParameterName, 'Engagement id (campaignInfo.engagementId); goes with --campaign')
            [CompletionResult]::new('--brand', '--brand', [CompletionResultType]::ParameterName, 'Brand id (body.brandId); LivePerson uses the account id')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Conversation context as a JSON object, e.g. ''{"type":"SharkContext","lang":"en-US"}''')
            [CompletionResult]::new('--from-seq', '--from-seq', [CompletionResultType]::ParameterName, 'First sequence to print')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'With --turns: the quiet time that ends an answer')
            [CompletionResult]::new('--reply-timeout', '--reply-timeout', [CompletionResultType]::ParameterName, 'With --turns: how long a line may wait for its answer (then exit 75)')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Keep only events sent by the agent side or by the consumer')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Keep only events of this event.type; repeatable')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'At the end, write the chat to FILE as a BotiumScript convo (*.convo.txt) that `test` passes against the same bot')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--reuse', '--reuse', [CompletionResultType]::ParameterName, 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)')
            [CompletionResult]::new('--turns', '--turns', [CompletionResultType]::ParameterName, 'Turn-taking for scripts: after each line, wait for the agent side''s answer (at least one agent message after it, then nothing more for --settle) before the next')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'At the end of input, leave the conversation chat requested open')
            [CompletionResult]::new('--close', '--close', [CompletionResultType]::ParameterName, 'At the end of input, close the conversation given as CONV too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;click' {
            [CompletionResult]::new('--seq', '--seq', [CompletionResultType]::ParameterName, 'Sequence of the message with the choices')
            [CompletionResult]::new('--choice', '--choice', [CompletionResultType]::ParameterName, 'The choice: its 1-based number or its title. Repeated, it names a checklist''s boxes to check and its submit button, which sends them')
            [CompletionResult]::new('--dialog', '--dialog', [CompletionResultType]::ParameterName, 'The dialog of the message, if not the main one (a survey''s)')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;completion' {
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;man' {
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;domains' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service''s entries (names are case-sensitive: asyncMessagingEnt, idp, ...); none is exit 69')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;login' {
            [CompletionResult]::new('--auth-code-file', '--auth-code-file', [CompletionResultType]::ParameterName, 'Authenticate with the brand''s external JWT (the authCode) read from PATH (`-` = standard input): the same identity gives the same consumer. Without it, sign up an unauthenticated consumer (a new one each time; for demos)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'json: {"jwt":...,"sub":...,"exp":...}; env: lp.env lines (LP_ACCOUNT, LP_CSDS unless LivePerson''s, LP_ASYNCMESSAGINGENT or LP_URL, LP_IDP, LP_JWT); token: the bare token')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;test' {
            [CompletionResult]::new('--skill', '--skill', [CompletionResultType]::ParameterName, 'Route to this skill id (-1 = any skill)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign id (campaignInfo.campaignId); goes with --engagement')
            [CompletionResult]::new('--engagement', '--engagement', [CompletionResultType]::ParameterName, 'Engagement id (campaignInfo.engagementId); goes with --campaign')
            [CompletionResult]::new('--brand', '--brand', [CompletionResultType]::ParameterName, 'Brand id (body.brandId); LivePerson uses the account id')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Conversation context as a JSON object, e.g. ''{"type":"SharkContext","lang":"en-US"}''')
            [CompletionResult]::new('--bot-timeout', '--bot-timeout', [CompletionResultType]::ParameterName, 'How long a #bot step waits for the agent''s message (Botium''s WAITFORBOTTIMEOUT)')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Run N convos at once, each with its own consumer and conversation')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run only the K-th of N parts of the sorted convo list (1 <= K <= N), e.g. one machine of a CI matrix')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Run each convo N times (with --jobs, a load test)')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write the results as JUnit XML to FILE (- for standard output, after the lines)')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Also write the results and reply latencies in Prometheus'' text format to FILE (for node_exporter''s textfile collector; - for standard output, after the lines)')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'LivePerson account (site) id')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted root certificate(s), PEM (a bundle is fine)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches')
            [CompletionResult]::new('--client-properties', '--client-properties', [CompletionResultType]::ParameterName, 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0')
            [CompletionResult]::new('--max-frame-bytes', '--max-frame-bytes', [CompletionResultType]::ParameterName, 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json')
            [CompletionResult]::new('--csds', '--csds', [CompletionResultType]::ParameterName, 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)')
            [CompletionResult]::new('--csds-ttl', '--csds-ttl', [CompletionResultType]::ParameterName, 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask')
            [CompletionResult]::new('--idp', '--idp', [CompletionResultType]::ParameterName, 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too')
            [CompletionResult]::new('--jwt-command', '--jwt-command', [CompletionResultType]::ParameterName, 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)')
            [CompletionResult]::new('--reuse', '--reuse', [CompletionResultType]::ParameterName, 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (says so on stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each frame sent and received on stderr (the token is never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lp-consumer;help' {
            [CompletionResult]::new('jwt-sub', 'jwt-sub', [CompletionResultType]::ParameterValue, 'Print the JWT''s claims as one JSON line (no network); `.sub` is the consumerId')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Publish text messages (ms.PublishEvent); prints one response body per message')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Print a conversation''s events from a sequence on: history first, then live')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a conversation (cm.UpdateConversationField); prints the response, or {"conversationId":...,"alreadyClosed":true} (exit 0) if it was closed')
            [CompletionResult]::new('conversations', 'conversations', [CompletionResultType]::ParameterValue, 'List this consumer''s conversations (cqm.SubscribeExConversations), one line each')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'A whole conversation on one socket: each line of stdin is a message, every event is printed')
            [CompletionResult]::new('click', 'click', [CompletionResultType]::ParameterValue, 'Click a quick reply, button, image or map of a message, or a checklist''s submit button')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script: bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('domains', 'domains', [CompletionResultType]::ParameterValue, 'Print the account''s hosts from the domain API (CSDS), one line per service')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Get a consumer token from the account''s IdP (signup, or --auth-code-file); the one command that prints a token')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run BotiumScript convo files (*.convo.txt) against the bot; one line per convo, then a summary')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lp-consumer;help;jwt-sub' {
            break
        }
        'lp-consumer;help;create' {
            break
        }
        'lp-consumer;help;send' {
            break
        }
        'lp-consumer;help;subscribe' {
            break
        }
        'lp-consumer;help;close' {
            break
        }
        'lp-consumer;help;conversations' {
            break
        }
        'lp-consumer;help;ack' {
            break
        }
        'lp-consumer;help;chat' {
            break
        }
        'lp-consumer;help;click' {
            break
        }
        'lp-consumer;help;completion' {
            break
        }
        'lp-consumer;help;man' {
            break
        }
        'lp-consumer;help;domains' {
            break
        }
        'lp-consumer;help;login' {
            break
        }
        'lp-consumer;help;test' {
            break
        }
        'lp-consumer;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
