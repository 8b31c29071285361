
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
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
            cand chat 'A whole conversation on one socket: each line of stdin is a message, every event is printed'
            cand click 'Click a quick reply or a button of a message: an ACTION receipt and the button''s text'
            cand completion 'Print a shell completion script: bash, zsh, fish, powershell or elvish'
            cand man 'Print the man page (roff)'
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --reuse 'If this consumer already has an open conversation, take it instead of requesting one (create prints it with "reused":true)'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;subscribe'= {
            cand --from-seq 'First sequence to print (a --state-file cursor wins over it)'
            cand --idle-timeout 'Exit 0 once the history is printed and no event arrived for SECS'
            cand --count 'Exit 0 after printing N lines'
            cand --max-retries 'With --reconnect: give up after N failed attempts in a row (default: never)'
            cand --state-file 'Cursor file: resume after the sequence it holds, and store the highest sequence handled after each flushed frame (atomically). One run at a time per file'
            cand --from 'Keep only events sent by the agent side (originatorId is not the JWT''s sub) or by the consumer'
            cand --type 'Keep only events of this event.type (ContentEvent, AcceptStatusEvent, ...); repeatable'
            cand --ack 'Publish this receipt for each agent content event printed'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --follow 'Stream until Ctrl-C, even past the end of the conversation (by default the run ends, exit 0, when the conversation is closed)'
            cand --reconnect 'When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling to 30 s, with jitter) and resume after the last sequence handled. Authentication and protocol errors stay final'
            cand --frames 'Print every frame received, verbatim, instead of one line per event'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --all 'Closed conversations too (LivePerson keeps them listed for a while)'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;ack'= {
            cand --seq 'Sequences to acknowledge (repeat the flag or separate with commas)'
            cand --status 'The receipt to publish'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;chat'= {
            cand --skill 'Route to this skill id (-1 = any skill)'
            cand --campaign 'Campaign id (campaignInfo.campaignId); goes with --engagement'
            cand --engagement 'Engagement id (campaignInfo.engagementId); goes with --campaign'
            cand --brand 'Brand id (body.brandId); LivePerson uses the account id'
            cand --context 'Conversation context as a JSON object, e.g. ''{"type":"SharkContext","lang":"en-US"}'''
            cand --from-seq 'First sequence to print'
            cand --settle 'With --turns: the quiet time that ends an answer'
            cand --reply-timeout 'With --turns: how long a line may wait for its answer (then exit 75)'
            cand --from 'Keep only events sent by the agent side or by the consumer'
            cand --type 'Keep only events of this event.type; repeatable'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --reuse 'If this consumer already has an open conversation, take it instead of requesting one (create prints it with "reused":true)'
            cand --turns 'Turn-taking for scripts: after each line, wait for the agent side''s answer (at least one agent message after it, then nothing more for --settle) before the next'
            cand --keep-open 'At the end of input, leave the conversation chat requested open'
            cand --close 'At the end of input, close the conversation given as CONV too'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;click'= {
            cand --seq 'Sequence of the message with the choices'
            cand --choice 'The choice: its 1-based number or its title'
            cand --dialog 'The dialog of the message, if not the main one (a survey''s)'
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;completion'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;man'= {
            cand --jwt 'Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`'
            cand --jwt-file 'Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT'
            cand --account 'LivePerson account (site) id'
            cand --domain 'Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net'
            cand --url 'Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached)'
            cand --cacert 'Extra trusted root certificate(s), PEM (a bundle is fine)'
            cand --proxy 'HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches'
            cand --client-properties 'Client properties as a JSON object, e.g. ''{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}'', sent in the Client-Properties header'
            cand --keepalive 'Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75)'
            cand --timeout 'Bound on connect, TLS and WebSocket handshake, and each request''s response; more than 0'
            cand --max-frame-bytes 'Largest message accepted from the server; a bigger one is a protocol error (exit 76)'
            cand --format 'How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json'
            cand --insecure 'Do not check the server''s certificate (says so on stderr)'
            cand -v 'Print each frame sent and received on stderr (the token is never shown)'
            cand --verbose 'Print each frame sent and received on stderr (the token is never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lp-consumer;help'= {
            cand jwt-sub 'Print the JWT''s claims as one JSON line (no network); `.sub` is the consumerId'
            cand create 'Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}'
            cand send 'Publish text messages (ms.PublishEvent); prints one response body per message'
            cand subscribe 'Print a conversation''s events from a sequence on: history first, then live'
            cand close 'Close a conversation (cm.UpdateConversationField); prints the response'
            cand conversations 'List this consumer''s conversations (cqm.SubscribeExConversations), one line each'
            cand ack 'Mark agent events as read (or accepted): publishes an AcceptStatusEvent'
            cand chat 'A whole conversation on one socket: each line of stdin is a message, every event is printed'
            cand click 'Click a quick reply or a button of a message: an ACTION receipt and the button''s text'
            cand completion 'Print a shell completion script: bash, zsh, fish, powershell or elvish'
            cand man 'Print the man page (roff)'
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
        &'lp-consumer;help;chat'= {
        }
        &'lp-consumer;help;click'= {
        }
        &'lp-consumer;help;completion'= {
        }
        &'lp-consumer;help;man'= {
        }
        &'lp-consumer;help;help'= {
        }
    ]
    $completions[$command]
}
