
use builtin;
use str;

set edit:completion:arg-completer[lp-consumer] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lp-consumer'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lp-consumer'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --generate 'Print a man page or a shell completion script and exit'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand jwt-sub 'Print the JWT''s claims as one JSON line (no network); `.sub` is the consumerId'
            cand create 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}'
            cand send 'Publish text messages (ms.PublishEvent); prints one response body per message'
            cand subscribe 'Print a conversation''s events from a sequence on: history first, then live'
            cand close 'Close a conversation (cm.UpdateConversationField); prints the response'
            cand conversations 'List this consumer''s conversations (cqm.SubscribeExConversations), one line each'
            cand ack 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent'
            cand domains 'Print the account''s hosts from the domain API (CSDS), one line per service'
            cand login 'Get a consumer token from the account''s IdP (signup, or --auth-code-file); the one command that prints a token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lp-consumer;jwt-sub'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;create'= {
            cand --skill 'Route to this skill id (-1 = any skill)'
            cand --campaign 'Campaign id (campaignInfo.campaignId); goes with --engagement'
            cand --engagement 'Engagement id (campaignInfo.engagementId); goes with --campaign'
            cand --brand 'Brand id (body.brandId); LivePerson uses the account id'
            cand --context 'Conversation context as a JSON object, e.g. ''{"type":"SharkContext","lang":"en-US"}'''
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --reuse 'If this consumer already has an open conversation, print its id (with "reused":true) instead of failing'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;send'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;subscribe'= {
            cand --from-seq 'First sequence to print (a --state-file cursor wins over it)'
            cand --idle-timeout 'Exit 0 once the history is printed and no event arrived for SECS'
            cand --count 'Exit 0 after printing N lines'
            cand --max-retries 'With --reconnect: give up after N failed attempts in a row (default: never)'
            cand --state-file 'Cursor file: resume after the sequence it holds, and store the highest sequence handled after each flushed frame (atomically). One run at a time per file'
            cand --from 'Keep only events sent by the agent side (originatorId is not the JWT''s sub) or by the consumer'
            cand --type 'Keep only events of this event.type (ContentEvent, AcceptStatusEvent, ...); repeatable'
            cand --ack 'Publish this receipt for each agent content event printed (ACCEPT when it arrives, READ when it is shown)'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --follow 'Stream until Ctrl-C, even past the end of the conversation (by default the run ends, exit 0, when the conversation is closed)'
            cand --reconnect 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling to 30 s, with jitter) and resume after the last sequence handled. Authentication and protocol errors stay final'
            cand --frames 'Print every frame received, verbatim, instead of one line per event'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;close'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;conversations'= {
            cand --stage 'Only conversations in this stage (implies --all for CLOSE)'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --all 'Closed conversations too (LivePerson keeps them listed for a while)'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;ack'= {
            cand --seq 'Sequences to acknowledge (repeat the flag or separate with commas)'
            cand --status 'READ (shown to the user) or ACCEPT (reached the device)'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;domains'= {
            cand --service 'Only this service''s entries (names are case-sensitive: asyncMessagingEnt, idp, ...); none is exit 69'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;login'= {
            cand --auth-code-file 'Authenticate with the brand''s external JWT (the authCode) read from PATH (`-` = standard input): the same identity gives the same consumer. Without it, sign up an unauthenticated consumer (a new one each time; for demos)'
            cand --output 'json: {"jwt":...,"sub":...,"exp":...}; env: lp.env lines (LP_ACCOUNT, LP_ASYNCMESSAGINGENT or LP_URL, LP_IDP, LP_JWT); token: the bare token'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --csds 'Domain API (CSDS) host that names the account''s hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock''s are)'
            cand --csds-ttl 'Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask'
            cand --idp 'IdP host for `login` (default: the account''s `idp` service in CSDS); a whole http(s):// URL works too'
            cand --jwt-command 'Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token under `subscribe --reconnect`'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'lp-consumer;help'= {
            cand jwt-sub 'Print the JWT''s claims as one JSON line (no network); `.sub` is the consumerId'
            cand create 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}'
            cand send 'Publish text messages (ms.PublishEvent); prints one response body per message'
            cand subscribe 'Print a conversation''s events from a sequence on: history first, then live'
            cand close 'Close a conversation (cm.UpdateConversationField); prints the response'
            cand conversations 'List this consumer''s conversations (cqm.SubscribeExConversations), one line each'
            cand ack 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent'
            cand domains 'Print the account''s hosts from the domain API (CSDS), one line per service'
            cand login 'Get a consumer token from the account''s IdP (signup, or --auth-code-file); the one command that prints a token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lp-consumer;help;jwt-sub'= {
        }
        &'lp-consumer;help;create'= {
        }
        &'lp-consumer;help;send'= {
        }
        &'lp-consumer;help;subscribe'= {
        }
        &'lp-consumer;help;close'= {
        }
        &'lp-consumer;help;conversations'= {
        }
        &'lp-consumer;help;ack'= {
        }
        &'lp-consumer;help;domains'= {
        }
        &'lp-consumer;help;login'= {
        }
        &'lp-consumer;help;help'= {
        }
    ]
    $completions[$command]
}
