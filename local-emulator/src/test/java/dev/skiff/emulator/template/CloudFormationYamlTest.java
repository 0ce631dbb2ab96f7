package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class CloudFormationYamlTest {

    @Test
    void shortIntrinsicTagsBecomeTheirLongForm() {
        Object parsed = CloudFormationYaml.parse("""
                a: !Ref Param
                b: !GetAtt Fn.Arn
                c: !Sub "${AWS::Region}-x"
                d: !Join [",", [!Ref A, !Select [0, !GetAZs ""]]]
                e: !If [Cond, {x: 1}, !Ref AWS::NoValue]
                f: !Equals [a, b]
                g: !GetAtt [Fn, Arn]
                h: !Condition IsProd
                """, "test");
        assertEquals(Map.of("Ref", "Param"), ((Map<?, ?>) parsed).get("a"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Fn", "Arn")), ((Map<?, ?>) parsed).get("b"));
        assertEquals(Map.of("Fn::Sub", "${AWS::Region}-x"), ((Map<?, ?>) parsed).get("c"));
        assertEquals(
                Map.of(
                        "Fn::Join",
                        List.of(
                                ",",
                                List.of(
                                        Map.of("Ref", "A"),
                                        Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", "")))))),
                ((Map<?, ?>) parsed).get("d"));
        assertEquals(
                Map.of("Fn::If", List.of("Cond", Map.of("x", 1), Map.of("Ref", "AWS::NoValue"))),
                ((Map<?, ?>) parsed).get("e"));
        assertEquals(Map.of("Fn::Equals", List.of("a", "b")), ((Map<?, ?>) parsed).get("f"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Fn", "Arn")), ((Map<?, ?>) parsed).get("g"));
        assertEquals(Map.of("Condition", "IsProd"), ((Map<?, ?>) parsed).get("h"));
    }
}
