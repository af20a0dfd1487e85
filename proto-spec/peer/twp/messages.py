"""Protobuf message classes loaded at run time from a descriptor set, no generated code.

The descriptor set is `proto-spec/township.protoset`, made with
`protoc --include_imports --descriptor_set_out=…`. Methods are named as on the wire:
`township.intake.v1.Intake/SubmitTicket`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

DEFAULT_PROTOSET = Path(__file__).resolve().parents[2] / "township.protoset"


class CallKind(enum.Enum):
    UNARY = "unary"
    SERVER_STREAMING = "server-streaming"
    CLIENT_STREAMING = "client-streaming"
    BIDI_STREAMING = "bidi-streaming"  # not part of TWP/1; reported so callers can refuse it


@dataclass(frozen=True)
class MethodInfo:
    wire_name: str          # package.Service/Method
    input_type: type
    output_type: type
    kind: CallKind


class ProtosetMissing(FileNotFoundError):
    pass


class MessageRegistry:
    def __init__(self, file_set: descriptor_pb2.FileDescriptorSet):
        self.pool = descriptor_pool.DescriptorPool()
        self._methods: dict[str, MethodInfo] = {}
        for file_proto in file_set.file:  # --include_imports lists dependencies first
            self.pool.Add(file_proto)
        for file_proto in file_set.file:
            for service in file_proto.service:
                prefix = f"{file_proto.package}.{service.name}" if file_proto.package \
                    else service.name
                for method in service.method:
                    self._methods[f"{prefix}/{method.name}"] = MethodInfo(
                        f"{prefix}/{method.name}",
                        self.message_class(method.input_type.lstrip(".")),
                        self.message_class(method.output_type.lstrip(".")),
                        _kind(method.client_streaming, method.server_streaming))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "MessageRegistry":
        path = Path(path) if path else DEFAULT_PROTOSET
        if not path.exists():
            raise ProtosetMissing(
                f"descriptor set {path} does not exist yet: build it with "
                "protoc --include_imports --descriptor_set_out=proto-spec/township.protoset …")
        file_set = descriptor_pb2.FileDescriptorSet()
        file_set.ParseFromString(path.read_bytes())
        return cls(file_set)

    def message_class(self, full_name: str) -> type:
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))

    def method(self, wire_name: str) -> MethodInfo:
        try:
            return self._methods[wire_name]
        except KeyError:
            raise KeyError(f"no method {wire_name!r} in the descriptor set") from None

    @property
    def methods(self) -> list[str]:
        return sorted(self._methods)

    def request_from_json(self, wire_name: str, text: str):
        return json_format.Parse(text, self.method(wire_name).input_type())

    def response_to_json(self, wire_name: str, payload: bytes) -> str:
        message = self.method(wire_name).output_type.FromString(payload)
        return json_format.MessageToJson(message, indent=2)


def _kind(client_streaming: bool, server_streaming: bool) -> CallKind:
    if client_streaming and server_streaming:
        return CallKind.BIDI_STREAMING
    if client_streaming:
        return CallKind.CLIENT_STREAMING
    if server_streaming:
        return CallKind.SERVER_STREAMING
    return CallKind.UNARY
