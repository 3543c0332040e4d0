"""The JSON-RPC layer of one connection: between framing.py (message bodies) and pygls' dispatch.

Every body is checked before any handler sees it: it must be UTF-8 JSON, one object, a request,
notification or response of the right shape, with params that fit its method. Until a good
`initialize` (with the token, when the server has one) nothing else is processed; after `shutdown`
only `exit` is. What is refused gets a JSON-RPC error when a reply is due (a one-line message, never
a traceback: those go to the server's own log) and one log line otherwise.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
    JsonRpcParseError,
    JsonRpcServerError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    MsgId,
)
from pygls.workspace import TextDocument, Workspace

from server.lsp.framing import MAX_MESSAGE_BYTES, TooLarge
from server.lsp.settings import camel

LOG = logging.getLogger(__name__)

# Idiomatic's own error codes (JSON-RPC leaves -32099..-32000 to the server); docs/editor-protocol.md.
COMMAND_FAILED = -32000  # a command cannot do its job (no dataset yet, …): the message says what to run
TOKEN_REFUSED = -32010  # --tcp: initialize without the right initializationOptions.token
BUSY = -32011  # --tcp: another client is connected
UNTRUSTED = -32012  # limited mode: the command needs a trusted workspace
BUSY_MESSAGE = ("idiom serve already has a client and serves one at a time; close the other client, or start "
                "another server with --tcp OTHER_PORT")

_OPEN_DOCUMENT_NOTIFICATIONS = (types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_CLOSE,
                                types.TEXT_DOCUMENT_DID_SAVE)


class Refused(Exception):
    """A message turned away before any handler ran."""

    def __init__(self, error: JsonRpcException, msg_id: MsgId | None = None, reply: bool = True,
                 close: bool = False) -> None:
        super().__init__(error.message)
        self.error, self.msg_id, self.reply, self.close = error, msg_id, reply, close


class IdiomProtocol(LanguageServerProtocol):
    """pygls' protocol behind a gate: `receive` takes raw bodies and hands pygls only messages that
    are well formed and allowed on this connection now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = ""  # what initialize must carry (TCP); "" = no token (stdio)
        self.claim: Callable[[], bool] = lambda: True  # TCP: may this client take the server? (one at a time)
        self.initialized = False
        self.closing = False  # the connection is to be closed (refused token, busy server)

    def receive(self, body: bytes | TooLarge) -> None:
        """Handle one message body from the stream; never raises."""
        try:
            message = self._admitted(body)
        except Refused as refused:
            self._refuse(refused)
            return
        try:
            self.handle_message(message)
        except Exception:
            LOG.exception("could not handle %s", getattr(message, "method", "a response"))

    def _admitted(self, body: bytes | TooLarge) -> Any:
        """The structured message, or Refused saying why not."""
        if isinstance(body, TooLarge):
            raise Refused(JsonRpcInvalidRequest(f"a message of {body.size} bytes is over the limit of "
                                                f"{MAX_MESSAGE_BYTES} bytes; it was skipped"))
        data = _json_object(body)
        msg_id = data.get("id") if _is_id(data.get("id")) else None
        if "method" not in data:
            return self._response(data)
        method = data["method"]
        request = "id" in data
        if not isinstance(method, str):
            raise Refused(JsonRpcInvalidRequest(f"method must be a string, not {kind_of_json(method)}"), msg_id)
        if data.get("jsonrpc") != "2.0":
            raise Refused(JsonRpcInvalidRequest(f'{method}: jsonrpc must be "2.0"'), msg_id)
        if request and not _is_id(data["id"]):
            raise Refused(JsonRpcInvalidRequest(f"{method}: id must be a string or an integer, not "
                                                f"{kind_of_json(data['id'])}"))
        if data.get("params") is not None and not isinstance(data["params"], (dict, list)):
            raise Refused(JsonRpcInvalidParams(f"{method}: params must be an object, not "
                                               f"{kind_of_json(data['params'])}"), msg_id, reply=request)
        self._gate(method, msg_id, request)
        if request:
            try:
                self._get_handler(method)
            except JsonRpcMethodNotFound as exc:
                raise Refused(exc, msg_id) from None
        message = self._structured(data, method, msg_id, request)
        if method == types.INITIALIZE:
            self._authenticate(message)
        elif method in _OPEN_DOCUMENT_NOTIFICATIONS and open_document(self.workspace,
                                                                      message.params.text_document.uri) is None:
            raise Refused(JsonRpcInvalidParams(f"{method}: {message.params.text_document.uri} is not open "
                                               f"(didOpen first)"), reply=False)
        return message

    def _gate(self, method: str, msg_id: MsgId | None, request: bool) -> None:
        """Refuse what this connection may not send now (before initialize, after shutdown)."""
        if self._shutdown:
            if method != types.EXIT:
                raise Refused(JsonRpcInvalidRequest(f"{method}: the server is shutting down; only exit is "
                                                    f"accepted after shutdown"), msg_id, reply=request)
        elif not self.initialized:
            # An editor may end a stdio server it never initialized; a TCP client must prove itself first.
            if not ((method == types.INITIALIZE and request) or (method == types.EXIT and not self.token)):
                token = " with initializationOptions.token" if self.token else ""
                raise Refused(JsonRpcServerNotInitialized(f"{method}: the server is not initialized; send "
                                                          f"initialize{token} first"), msg_id, reply=request)
        elif method == types.INITIALIZE:
            raise Refused(JsonRpcInvalidRequest("initialize was already received on this connection"), msg_id,
                          reply=request)

    def _authenticate(self, message: Any) -> None:
        """A TCP client's initialize must carry the token, and find the server free."""
        if self.token:
            options = message.params.initialization_options
            sent = options.get("token") if isinstance(options, dict) else None
            if not isinstance(sent, str):
                raise Refused(JsonRpcServerError("this server needs a token: send it as initializationOptions.token "
                                                 "(idiom serve printed it, and the file it is kept in)",
                                                 TOKEN_REFUSED), message.id, close=True)
            if not hmac.compare_digest(sent.encode(), self.token.encode()):
                raise Refused(JsonRpcServerError("wrong initializationOptions.token: use the one idiom serve printed "
                                                 "(or read its token file)", TOKEN_REFUSED), message.id, close=True)
            if not self.claim():
                raise Refused(JsonRpcServerError(BUSY_MESSAGE, BUSY), message.id, close=True)
        self.initialized = True

    def _structured(self, data: dict[str, Any], method: str, msg_id: MsgId | None, request: bool) -> Any:
        """The message as its lsprotocol type (pygls' fallbacks for methods LSP does not define)."""
        fallback = JsonRPCRequestMessage if request else JsonRPCNotification
        try:
            return self._converter.structure(data, self.get_message_type(method) or fallback)
        except Exception as exc:  # noqa: BLE001 - cattrs raises several kinds; each is a bad param
            raise Refused(JsonRpcInvalidParams(f"invalid params for {method}: {_why(exc)}"), msg_id,
                          reply=request) from None

    def _response(self, data: dict[str, Any]) -> Any:
        """A client's answer to one of the server's requests."""
        if not ("id" in data and ("result" in data or "error" in data)):
            raise Refused(JsonRpcInvalidRequest("a message needs a method (request or notification), or an id "
                                                "and a result or an error (response)"),
                          data.get("id") if _is_id(data.get("id")) else None)
        if not self.initialized or data.get("jsonrpc") != "2.0":
            raise Refused(JsonRpcInvalidRequest("a response the server did not ask for"), reply=False)
        kind = types.ResponseErrorMessage if "error" in data else (
            self._result_types.pop(data["id"], None) or JsonRPCResponseMessage)
        try:
            return self._converter.structure(data, kind)
        except Exception as exc:  # noqa: BLE001 - cattrs raises several kinds
            raise Refused(JsonRpcInvalidParams(f"a response that does not parse: {_why(exc)}"), reply=False) from None

    def _refuse(self, refused: Refused) -> None:
        if refused.reply:
            self._send_response(refused.msg_id, error=refused.error.to_response_error())
        else:
            LOG.warning("ignored a message: %s", refused.error.message)
            if self.initialized and not self._shutdown:
                self.notify(types.WINDOW_LOG_MESSAGE, types.LogMessageParams(
                    types.MessageType.Warning, f"ignored a message: {refused.error.message}"))
        self.closing = self.closing or refused.close

    def _send_response(self, msg_id: MsgId | None, result: Any | None = None,
                       error: types.ResponseError | None = None) -> None:
        """Every response leaves here: an error keeps its first line and loses `data` (pygls puts the
        Python traceback there; it stays in the server's log)."""
        if error is not None:
            message = next((line.strip() for line in error.message.splitlines() if line.strip()), "error")
            if error.code == JsonRpcInternalError.CODE:
                message = f"internal error: {message} (the server's log has the details)"
            error = types.ResponseError(code=error.code, message=message)
        super()._send_response(msg_id, result, error)


def _json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Refused with JSON-RPC's parse or invalid-request error."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Refused(JsonRpcParseError(f"the message is not UTF-8 (byte {exc.start})")) from None
    except RecursionError:
        raise Refused(JsonRpcParseError("the message nests too deeply to parse")) from None
    except ValueError as exc:
        raise Refused(JsonRpcParseError(f"the message is not valid JSON: {exc}")) from None
    if isinstance(data, list):
        raise Refused(JsonRpcInvalidRequest("batches (JSON arrays) are not supported: send one message per "
                                            "Content-Length header"))
    if not isinstance(data, dict):
        raise Refused(JsonRpcInvalidRequest(f"a message must be a JSON object, not {kind_of_json(data)}"))
    return data


def open_document(workspace: Workspace, uri: str) -> TextDocument | None:
    """The document the client opened at `uri`, or None (pygls would read any other URI from disk)."""
    return workspace.text_documents.get(unquote(uri))


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def kind_of_json(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)


def _why(exc: Exception) -> str:
    """What did not fit, in the client's terms (camelCase paths), at most three places."""
    if isinstance(exc, ClassValidationError):
        found = transform_error(exc)
        return "; ".join(_camel_path(line) for line in found[:3]) + ("; …" if len(found) > 3 else "")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _camel_path(line: str) -> str:
    """"invalid value @ $.params.text_document.uri" → "invalid value at $.params.textDocument.uri"."""
    message, at, path = line.rpartition(" @ ")
    return f"{message} at {'.'.join(camel(part) for part in path.split('.'))}" if at else line
