"""YAML reading that keeps where each value came from and rejects ambiguous scalars.

PyYAML follows YAML 1.1, which silently turns some unquoted words into other
types: ``yes``, ``no``, ``on`` and ``off`` become booleans, ``010`` becomes
the octal number 8 and ``1:30`` the sexagesimal number 90. Questionnaire
authors rarely mean that, so these scalars are reported instead of read.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Location = tuple[str | int, ...]

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"

# A questionnaire of a few hundred questions has a few thousand values; far
# more means aliases that multiply each other.
MAX_NODES = 200_000

PLAIN_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
PLAIN_DECIMAL_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
FRENCH_DECIMAL = re.compile(r"^[-+]?[0-9][0-9 \u00a0\u202f]*,[0-9]+$")

TYPE_NAMES = {
    BOOL_TAG: "a boolean",
    INT_TAG: "an integer",
    FLOAT_TAG: "a number",
    TIMESTAMP_TAG: "a date",
    NULL_TAG: "an empty value",
}


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Document:
    """Parsed YAML data with the node of every value, keyed by its location."""

    data: Any
    nodes: dict[Location, yaml.Node] = field(default_factory=dict)
    ambiguous: list[tuple[Location, str]] = field(default_factory=list)

    def line(self, location: Location) -> int | None:
        """Return the 1-based line of the closest known node for a location."""
        for end in range(len(location), -1, -1):
            node = self.nodes.get(location[:end])
            if node is not None:
                return node.start_mark.line + 1
        return None

    def describe_retyped(self, location: Location) -> str | None:
        """Explain how YAML retyped the unquoted scalar at a location, if it did."""
        node = self.nodes.get(location)
        if not isinstance(node, yaml.ScalarNode) or node.style is not None:
            return None
        if node.tag in TYPE_NAMES:
            kind = TYPE_NAMES[node.tag]
            return f"the unquoted value '{node.value}' is read by YAML as {kind}"
        if FRENCH_DECIMAL.match(node.value):
            number = re.sub(r"[ \u00a0\u202f]", "", node.value).replace(",", ".")
            return f"'{node.value}' is text for YAML: write the number as {number}"
        return None


def read_yaml(text: str) -> Document:
    """Parse one YAML document, recording node positions and ambiguous scalars."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Document(data=None)
        document = Document(data=None)
        # Walk before constructing: construction copies merged (<<) keys into
        # the mapping nodes, which would look like keys written twice.
        _Walker(document).walk(root, ())
        document.data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(f"invalid YAML: {error.problem}", line) from None
    finally:
        loader.dispose()
    return document


class _Walker:
    """Record every node's location; reject aliases that loop or explode."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.count = 0
        self.open_nodes: set[int] = set()

    def walk(self, node: yaml.Node, location: Location) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlSyntaxError(
                f"the file expands to more than {MAX_NODES} values through aliases",
                None,
            )
        if id(node) in self.open_nodes:
            line = node.start_mark.line + 1
            raise YamlSyntaxError("invalid YAML: an alias refers to itself", line)

        self.document.nodes[location] = node
        self.open_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._walk_mapping(node, location)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, location + (index,))
        elif isinstance(node, yaml.ScalarNode) and node.style is None:
            reason = _ambiguity(node)
            if reason:
                self.document.ambiguous.append((location, reason))
        self.open_nodes.discard(id(node))

    def _walk_mapping(self, node: yaml.MappingNode, location: Location) -> None:
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = key_node.value
            if key in seen:
                self.document.ambiguous.append(
                    (location + (key,), f"key '{key}' appears twice in this mapping")
                )
            seen.add(key)
            if key_node.style is None and key_node.tag in TYPE_NAMES:
                kind = TYPE_NAMES[key_node.tag]
                self.document.ambiguous.append(
                    (
                        location + (key,),
                        f"the unquoted key '{key}' is read by YAML as {kind}: "
                        "put it in quotes",
                    )
                )
            self.walk(value_node, location + (key,))


def _ambiguity(node: yaml.ScalarNode) -> str | None:
    text = node.value
    if node.tag == BOOL_TAG and text.lower() not in ("true", "false"):
        return (
            f"the unquoted value '{text}' is read by YAML as a boolean: "
            "write true or false, or put it in quotes if text was meant"
        )
    if node.tag == INT_TAG and not PLAIN_DECIMAL_INT.match(text):
        return (
            f"the unquoted value '{text}' is read by YAML as the number "
            f"{yaml.safe_load(text)}: write plain decimal digits, "
            "or put it in quotes if text was meant"
        )
    if node.tag == FLOAT_TAG and not PLAIN_DECIMAL_FLOAT.match(text):
        if text.lower().lstrip("+-") in (".inf", ".nan"):
            return f"'{text}' is not a usable number"
        return (
            f"the unquoted value '{text}' is read by YAML as the number "
            f"{yaml.safe_load(text)}: write it with plain digits and a dot"
        )
    return None
