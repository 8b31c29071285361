# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lp_consumer_global_optspecs
    string join \n jwt= jwt-file= account= domain= url= cacert= proxy= client-properties= insecure keepalive= timeout= max-frame-bytes= v/verbose format= csds= csds-ttl= idp= jwt-command= V/version h/help
end

function __fish_lp_consumer_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lp_consumer_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lp_consumer_using_subcommand
    set -l cmd (__fish_lp_consumer_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -s V -l version -d 'Print version; with -v, also the TLS library'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "jwt-sub" -d 'Print the JWT\'s claims as one JSON line (no network); `.sub` is the consumerId'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "create" -d 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "send" -d 'Publish text messages (ms.PublishEvent); prints one response body per message'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "subscribe" -d 'Print a conversation\'s events from a sequence on: history first, then live'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "close" -d 'Close a conversation (cm.UpdateConversationField); prints the response, or {"conversationId":...,"alreadyClosed":true} (exit 0) if it was closed'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "conversations" -d 'List this consumer\'s conversations (cqm.SubscribeExConversations), one line each'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "ack" -d 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "chat" -d 'A whole conversation on one socket: each line of stdin is a message, every event is printed'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "click" -d 'Click a quick reply, button, image or map of a message, or a checklist\'s submit button'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "completion" -d 'Print a shell completion script: bash, zsh, fish, powershell or elvish'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "domains" -d 'Print the account\'s hosts from the domain API (CSDS), one line per service'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "login" -d 'Get a consumer token from the account\'s IdP (signup, or --auth-code-file); the one command that prints a token'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "test" -d 'Run BotiumScript convo files (*.convo.txt) against the bot; one line per convo, then a summary'
complete -c lp-consumer -n "__fish_lp_consumer_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand jwt-sub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l skill -d 'Route to this skill id (-1 = any skill)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l campaign -d 'Campaign id (campaignInfo.campaignId); goes with --engagement' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l engagement -d 'Engagement id (campaignInfo.engagementId); goes with --campaign' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l brand -d 'Brand id (body.brandId); LivePerson uses the account id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l context -d 'Conversation context as a JSON object, e.g. \'{"type":"SharkContext","lang":"en-US"}\'' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l reuse -d 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l max-retries -d 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l reconnect -d 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l from-seq -d 'First sequence to print (a --state-file cursor wins over it)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l idle-timeout -d 'Exit 0 when no new event arrived for SECS (the clock starts when the subscription is set up; pick SECS above the pauses of a replay)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l count -d 'Exit 0 after printing N lines' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l max-retries -d 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l state-file -d 'Cursor file: resume after the sequence it holds, and store the highest sequence handled after each burst of frames is flushed (atomically). One run at a time per file' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l from -d 'Keep only events sent by the agent side (originatorId is not the JWT\'s sub) or by the consumer' -r -f -a "agent\t'events whose originatorId is not the JWT\'s sub'
consumer\t'events whose originatorId is the JWT\'s sub'
any\t'every event'"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l type -d 'Keep only events of this event.type (ContentEvent, RichContentEvent, AcceptStatusEvent, ChatStateEvent); repeatable' -r -f
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l since -d 'Keep only events whose serverTimestamp is at or after TIME: an RFC 3339 time (2026-12-06T08:00:00Z, or with an offset) or a duration before now (90s, 30m, 2h, 1d, 1w, 1h30m)' -r -f
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l ack -d 'Publish this receipt for each agent content event printed (ContentEvent, RichContentEvent) that the consumer has not marked yet' -r -f -a "read\t'publishes READ: the user has seen it'
accept\t'publishes ACCEPT: it reached the device'"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l follow -d 'Stream until Ctrl-C, even past the end of the conversation (by default the run ends, exit 0, when the conversation is closed)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l reconnect -d 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l state-file-symlink -d 'Let --state-file be a symbolic link: the file it points to is read, locked and replaced. Without this, a link is refused (someone else\'s link, in a shared folder, could aim the writes elsewhere)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l frames -d 'Print every frame received, verbatim, instead of one line per event (JSON: not with --format text)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand subscribe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l stage -d 'Only conversations in this stage, whatever its case (implies --all for CLOSE)' -r -f -a "open\t''
close\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l all -d 'Closed conversations too (LivePerson keeps them listed for a while)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand conversations" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l seq -d 'Sequences to acknowledge (repeat the flag or separate with commas)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l status -d 'The receipt to publish' -r -f -a "read\t'publishes READ: the user has seen it'
accept\t'publishes ACCEPT: it reached the device'"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand ack" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l skill -d 'Route to this skill id (-1 = any skill)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l campaign -d 'Campaign id (campaignInfo.campaignId); goes with --engagement' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l engagement -d 'Engagement id (campaignInfo.engagementId); goes with --campaign' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l brand -d 'Brand id (body.brandId); LivePerson uses the account id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l context -d 'Conversation context as a JSON object, e.g. \'{"type":"SharkContext","lang":"en-US"}\'' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l from-seq -d 'First sequence to print' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l settle -d 'With --turns: the quiet time that ends an answer' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l reply-timeout -d 'With --turns: how long a line may wait for its answer (then exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l max-retries -d 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l from -d 'Keep only events sent by the agent side or by the consumer' -r -f -a "agent\t'events whose originatorId is not the JWT\'s sub'
consumer\t'events whose originatorId is the JWT\'s sub'
any\t'every event'"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l type -d 'Keep only events of this event.type; repeatable' -r -f
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l record -d 'At the end, write the chat to FILE as a BotiumScript convo (*.convo.txt) that `test` passes against the same bot' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l reuse -d 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l turns -d 'Turn-taking for scripts: after each line, wait for the agent side\'s answer (at least one agent message after it, then nothing more for --settle) before the next'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l reconnect -d 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l keep-open -d 'At the end of input, leave the conversation chat requested open'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l close -d 'At the end of input, close the conversation given as CONV too'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand chat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l seq -d 'Sequence of the message with the choices' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l choice -d 'The choice: its 1-based number or its title. Repeated, it names a checklist\'s boxes to check and its submit button, which sends them' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l dialog -d 'The dialog of the message, if not the main one (a survey\'s)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l max-retries -d 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l reconnect -d 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand click" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l service -d 'Only this service\'s entries (names are case-sensitive: asyncMessagingEnt, idp, ...); none is exit 69' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand domains" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l auth-code-file -d 'Authenticate with the brand\'s external JWT (the authCode) read from PATH (`-` = standard input): the same identity gives the same consumer. Without it, sign up an unauthenticated consumer (a new one each time; for demos)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l output -d 'json: {"jwt":...,"sub":...,"exp":...}; env: lp.env lines (LP_ACCOUNT, LP_CSDS unless LivePerson\'s, LP_ASYNCMESSAGINGENT or LP_URL, LP_IDP, LP_JWT); token: the bare token' -r -f -a "json\t''
env\t''
token\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l skill -d 'Route to this skill id (-1 = any skill)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l campaign -d 'Campaign id (campaignInfo.campaignId); goes with --engagement' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l engagement -d 'Engagement id (campaignInfo.engagementId); goes with --campaign' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l brand -d 'Brand id (body.brandId); LivePerson uses the account id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l context -d 'Conversation context as a JSON object, e.g. \'{"type":"SharkContext","lang":"en-US"}\'' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l bot-timeout -d 'How long a #bot step waits for the agent\'s message (Botium\'s WAITFORBOTTIMEOUT)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l max-retries -d 'With --reconnect: give up after N attempts in a row that brought nothing new (default: never)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l jobs -d 'Run N convos at once, each with its own consumer and conversation' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l shard -d 'Run only the K-th of N parts of the sorted convo list (1 <= K <= N), e.g. one machine of a CI matrix' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l repeat -d 'Run each convo N times (with --jobs, a load test)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l junit -d 'Also write the results as JUnit XML to FILE (- for standard output, after the lines)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l metrics -d 'Also write the results and reply latencies in Prometheus\' text format to FILE (for node_exporter\'s textfile collector; - for standard output, after the lines)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l jwt -d 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l jwt-file -d 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l account -d 'LivePerson account (site) id' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l domain -d 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l url -d 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l cacert -d 'Extra trusted root certificate(s), PEM (a bundle is fine)' -r -F
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l proxy -d 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l client-properties -d 'Client properties as a JSON object, e.g. \'{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}\', sent in the Client-Properties header' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l keepalive -d 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l timeout -d 'Bound on connect, TLS and WebSocket handshake, and each request\'s response; more than 0' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l max-frame-bytes -d 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l format -d 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json' -r -f -a "json\t''
text\t''"
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l csds -d 'Domain API (CSDS) host that names the account\'s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock\'s are)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l csds-ttl -d 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l idp -d 'IdP host for `login` (default: the account\'s `idp` service in CSDS); a whole http(s):// URL works too' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l jwt-command -d 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake)' -r
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l reconnect -d 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l reuse -d 'If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -l insecure -d 'Do not check the server\'s certificate (says so on stderr)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -s v -l verbose -d 'Print each frame sent and received on stderr (the token is never shown)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "jwt-sub" -d 'Print the JWT\'s claims as one JSON line (no network); `.sub` is the consumerId'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "create" -d 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "send" -d 'Publish text messages (ms.PublishEvent); prints one response body per message'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "subscribe" -d 'Print a conversation\'s events from a sequence on: history first, then live'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "close" -d 'Close a conversation (cm.UpdateConversationField); prints the response, or {"conversationId":...,"alreadyClosed":true} (exit 0) if it was closed'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "conversations" -d 'List this consumer\'s conversations (cqm.SubscribeExConversations), one line each'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "ack" -d 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "chat" -d 'A whole conversation on one socket: each line of stdin is a message, every event is printed'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "click" -d 'Click a quick reply, button, image or map of a message, or a checklist\'s submit button'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "completion" -d 'Print a shell completion script: bash, zsh, fish, powershell or elvish'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "man" -d 'Print the man page (roff)'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "domains" -d 'Print the account\'s hosts from the domain API (CSDS), one line per service'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "login" -d 'Get a consumer token from the account\'s IdP (signup, or --auth-code-file); the one command that prints a token'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "test" -d 'Run BotiumScript convo files (*.convo.txt) against the bot; one line per convo, then a summary'
complete -c lp-consumer -n "__fish_lp_consumer_using_subcommand help; and not __fish_seen_subcommand_from jwt-sub create send subscribe close conversations ack chat click completion man domains login test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
